using System;

namespace RnnGen.Training
{
    /// <summary>Argument checks shared by the training types, with messages that name the argument and what was expected.</summary>
    internal static class Guard
    {
        public static void Length(int actual, int expected, string parameterName, string what)
        {
            if (actual != expected)
            {
                throw new ArgumentException($"{parameterName} must have length {expected} ({what}); got {actual}.", parameterName);
            }
        }

        /// <summary>Finite and at least zero.</summary>
        public static void NonNegative(float value, string parameterName)
        {
            if (!(value >= 0) || float.IsPositiveInfinity(value))
            {
                throw new ArgumentOutOfRangeException(parameterName, value, $"{parameterName} must be finite and >= 0.");
            }
        }

        /// <summary>Finite and greater than zero.</summary>
        public static void Positive(float value, string parameterName)
        {
            if (!(value > 0) || float.IsPositiveInfinity(value))
            {
                throw new ArgumentOutOfRangeException(parameterName, value, $"{parameterName} must be finite and > 0.");
            }
        }

        /// <summary>In [0, 1).</summary>
        public static void Fraction(float value, string parameterName)
        {
            if (!(value >= 0 && value < 1))
            {
                throw new ArgumentOutOfRangeException(parameterName, value, $"{parameterName} must be in [0, 1).");
            }
        }
    }
}

using System;
using System.ComponentModel;
using System.Threading;

namespace RnnGen
{
    /// <summary>
    /// The guard the generated code puts around every member that uses a model instance's workspace (<c>Forward</c>,
    /// <c>Backward</c> and the state-transfer members): a second call that starts while one is running, on another
    /// thread or re-entrantly, throws instead of silently mixing two batches in one workspace. One uncontended
    /// compare-exchange per call.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static class ExclusiveUse
    {
        /// <summary>Marks the instance busy, or throws if it already is.</summary>
        /// <param name="flag">The instance's guard word (0 = free).</param>
        /// <param name="member">The member being entered, for the message.</param>
        /// <param name="model">The model's type name, for the message.</param>
        /// <exception cref="InvalidOperationException">Another call on the same instance is running.</exception>
        public static void Enter(ref int flag, string member, string model)
        {
            if (Interlocked.CompareExchange(ref flag, 1, 0) != 0)
            {
                throw new InvalidOperationException(
                    $"{model}.{member} was called while another Forward, Backward or state call on the same {model} instance was still running " +
                    "(on another thread, or re-entrantly). An instance owns one workspace, so these calls must not overlap: " +
                    "give each thread its own instance (they can share weights by copying PackedParameters), or serialise the calls. " +
                    "Step with a separate State per stream is safe to call concurrently.");
            }
        }

        /// <summary>Marks the instance free again.</summary>
        /// <param name="flag">The instance's guard word.</param>
        public static void Exit(ref int flag) => Volatile.Write(ref flag, 0);
    }
}

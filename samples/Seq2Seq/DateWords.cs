using System;

namespace RnnGen.Samples.Seq2Seq
{
    /// <summary>English words for the numbers a date needs, all lowercase: cardinals, ordinals, months and years.</summary>
    public static class DateWords
    {
        private static readonly string[] Ones =
        [
            "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
            "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
        ];

        private static readonly string[] OrdinalOnes =
        [
            "zeroth", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
            "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth", "eighteenth", "nineteenth",
        ];

        private static readonly string[] Tens = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];

        private static readonly string[] OrdinalTens = ["", "", "twentieth", "thirtieth"];

        private static readonly string[] Months =
        [
            "january", "february", "march", "april", "may", "june",
            "july", "august", "september", "october", "november", "december",
        ];

        /// <summary>A number below 100 in words: <c>7</c> → "seven", <c>42</c> → "forty two".</summary>
        /// <param name="number">0..99.</param>
        /// <returns>The words, separated by single spaces.</returns>
        public static string Cardinal(int number)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(number);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(number, 99);
            if (number < 20)
            {
                return Ones[number];
            }

            var ones = number % 10;
            return ones == 0 ? Tens[number / 10] : $"{Tens[number / 10]} {Ones[ones]}";
        }

        /// <summary>A day of the month as an ordinal in words: <c>1</c> → "first", <c>23</c> → "twenty third".</summary>
        /// <param name="day">1..31.</param>
        /// <returns>The words.</returns>
        public static string OrdinalWords(int day)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(day, 1);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(day, 31);
            if (day < 20)
            {
                return OrdinalOnes[day];
            }

            var ones = day % 10;
            return ones == 0 ? OrdinalTens[day / 10] : $"{Tens[day / 10]} {OrdinalOnes[ones]}";
        }

        /// <summary>A day of the month as a numeric ordinal: <c>1</c> → "1st", <c>12</c> → "12th", <c>23</c> → "23rd".</summary>
        /// <param name="day">1..31.</param>
        /// <returns>The digits and the suffix.</returns>
        public static string OrdinalDigits(int day)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(day, 1);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(day, 31);
            var suffix = (day % 100) is 11 or 12 or 13 ? "th" : (day % 10) switch
            {
                1 => "st",
                2 => "nd",
                3 => "rd",
                _ => "th",
            };
            return $"{day}{suffix}";
        }

        /// <summary>A month's full name: <c>11</c> → "november".</summary>
        /// <param name="month">1..12.</param>
        /// <returns>The name.</returns>
        public static string Month(int month)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(month, 1);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(month, 12);
            return Months[month - 1];
        }

        /// <summary>A month's three-letter abbreviation: <c>11</c> → "nov".</summary>
        /// <param name="month">1..12.</param>
        /// <returns>The abbreviation.</returns>
        public static string MonthAbbreviation(int month) => Month(month)[..3];

        /// <summary>
        /// A year from 1900 to 2099 in words, the way people say it. <paramref name="style"/> picks among the usual
        /// readings: "nineteen eighty four", "nineteen oh five", "nineteen hundred"; for 2000..2099 also
        /// "two thousand twenty six", "two thousand and five", "twenty twenty six", "twenty oh five". Styles a year does
        /// not take (nobody says "twenty hundred") fall back to the thousands reading.
        /// </summary>
        /// <param name="year">1900..2099.</param>
        /// <param name="style">Which reading: 0 paired ("nineteen eighty four", "twenty twenty six"), 1 thousands
        /// ("two thousand twenty six"), 2 thousands with "and" ("two thousand and twenty six"). For 19xx every style is
        /// the paired reading.</param>
        /// <returns>The words.</returns>
        public static string Year(int year, int style)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(year, 1900);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(year, 2099);
            var century = year / 100;
            var rest = year % 100;
            if (century == 19 || (style == 0 && rest != 0))
            {
                var first = century == 19 ? "nineteen" : "twenty";
                return rest switch
                {
                    0 => $"{first} hundred",
                    < 10 => $"{first} oh {Ones[rest]}",
                    _ => $"{first} {Cardinal(rest)}",
                };
            }

            return rest == 0 ? "two thousand" : style == 2 ? $"two thousand and {Cardinal(rest)}" : $"two thousand {Cardinal(rest)}";
        }
    }
}

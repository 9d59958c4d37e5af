using System;
using System.Collections.Generic;
using System.Globalization;

namespace RnnGen.Samples.Seq2Seq
{
    /// <summary>One example: a date written out, and the ISO form the model must produce.</summary>
    /// <param name="Date">The date.</param>
    /// <param name="Format">Its surface form, 0..<see cref="DateTask.FormatCount"/>-1.</param>
    /// <param name="Source">The date in words (lowercase), e.g. "twenty third of november two thousand twenty six".</param>
    /// <param name="Target">The ISO 8601 form, e.g. "2026-11-23".</param>
    public sealed record DateExample(DateOnly Date, int Format, string Source, string Target);

    /// <summary>
    /// The task: dates from 1900-01-01 to 2099-12-31 written in one of <see cref="FormatCount"/> lowercase surface forms,
    /// mostly in words, to be converted to ISO 8601 (<c>yyyy-mm-dd</c>).
    /// </summary>
    /// <remarks>
    /// The forms, for 2026-11-23 (years in words take any reading of <see cref="DateWords.Year"/>):
    /// <list type="number">
    /// <item>"twenty third of november two thousand twenty six"</item>
    /// <item>"the twenty third of november twenty twenty six"</item>
    /// <item>"november twenty third two thousand and twenty six"</item>
    /// <item>"november twenty third, twenty twenty six"</item>
    /// <item>"the 23rd of november 2026"</item>
    /// <item>"23 november 2026"</item>
    /// <item>"nov 23, 2026"</item>
    /// </list>
    /// </remarks>
    public static class DateTask
    {
        /// <summary>The number of surface forms.</summary>
        public const int FormatCount = 7;

        /// <summary>The length of every target, <c>yyyy-mm-dd</c>.</summary>
        public const int TargetLength = 10;

        /// <summary>The first date of the range.</summary>
        public static DateOnly First { get; } = new(1900, 1, 1);

        /// <summary>The last date of the range.</summary>
        public static DateOnly Last { get; } = new(2099, 12, 31);

        /// <summary>The number of dates in the range (73,049).</summary>
        public static int DateCount => Last.DayNumber - First.DayNumber + 1;

        /// <summary>Writes <paramref name="date"/> in surface form <paramref name="format"/> with year reading <paramref name="yearStyle"/>.</summary>
        /// <param name="date">A date in the range.</param>
        /// <param name="format">0..<see cref="FormatCount"/>-1 (see the remarks on <see cref="DateTask"/>).</param>
        /// <param name="yearStyle">The year reading for the word forms, 0..2 (see <see cref="DateWords.Year"/>).</param>
        /// <returns>The example.</returns>
        public static DateExample Render(DateOnly date, int format, int yearStyle)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(date, First);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(date, Last);
            var day = DateWords.OrdinalWords(date.Day);
            var month = DateWords.Month(date.Month);
            var year = DateWords.Year(date.Year, yearStyle);
            var digits = date.Year.ToString(CultureInfo.InvariantCulture);
            var source = format switch
            {
                0 => $"{day} of {month} {year}",
                1 => $"the {day} of {month} {year}",
                2 => $"{month} {day} {year}",
                3 => $"{month} {day}, {year}",
                4 => $"the {DateWords.OrdinalDigits(date.Day)} of {month} {digits}",
                5 => $"{date.Day.ToString(CultureInfo.InvariantCulture)} {month} {digits}",
                6 => $"{DateWords.MonthAbbreviation(date.Month)} {date.Day.ToString(CultureInfo.InvariantCulture)}, {digits}",
                _ => throw new ArgumentOutOfRangeException(nameof(format), format, $"A format is 0..{FormatCount - 1}."),
            };
            return new DateExample(date, format, source, date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        }

        /// <summary>Draws a date uniformly from the range and writes it in a random form.</summary>
        /// <param name="random">The random source.</param>
        /// <param name="excluded">Day numbers (<see cref="DateOnly.DayNumber"/>) never to draw, e.g. the held-out dates; may be null.</param>
        /// <returns>The example.</returns>
        public static DateExample Next(Random random, IReadOnlySet<int>? excluded = null)
        {
            ArgumentNullException.ThrowIfNull(random);
            int dayNumber;
            do
            {
                dayNumber = First.DayNumber + random.Next(DateCount);
            }
            while (excluded is not null && excluded.Contains(dayNumber));

            return Render(DateOnly.FromDayNumber(dayNumber), random.Next(FormatCount), random.Next(3));
        }

        /// <summary>
        /// Draws <paramref name="count"/> examples of distinct dates, none of them in <paramref name="excluded"/>,
        /// and adds their day numbers to it, so later draws (another split, or training) never see these dates.
        /// </summary>
        /// <param name="random">The random source.</param>
        /// <param name="count">How many examples (at most a tenth of <see cref="DateCount"/>).</param>
        /// <param name="excluded">The dates already taken; this split's dates are added.</param>
        /// <returns>The examples.</returns>
        public static IReadOnlyList<DateExample> HeldOut(Random random, int count, HashSet<int> excluded)
        {
            ArgumentNullException.ThrowIfNull(random);
            ArgumentNullException.ThrowIfNull(excluded);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(count, DateCount / 10);
            var examples = new List<DateExample>(count);
            while (examples.Count < count)
            {
                var example = Next(random, excluded);
                excluded.Add(example.Date.DayNumber);
                examples.Add(example);
            }

            return examples;
        }
    }
}

using System;
using System.IO;

namespace RnnGen.IO
{
    /// <summary>
    /// Replaces a file all at once: the content is written to a temporary file in the same directory, flushed to disk,
    /// then moved over the destination. A reader never sees a half-written file, and if writing fails the previous file
    /// is left as it was and the temporary file is deleted.
    /// </summary>
    /// <remarks>
    /// The move is a rename within one directory, which is atomic on the file systems .NET supports. The directory entry
    /// itself is not synced (.NET cannot open a directory for that), so after a power cut the file is either the old or
    /// the new version, each complete.
    /// </remarks>
    public static class AtomicFile
    {
        /// <summary>Writes <paramref name="path"/> atomically with the content <paramref name="write"/> produces.</summary>
        /// <param name="path">The destination; its directory must exist.</param>
        /// <param name="write">Writes the whole content to the stream it is given (do not dispose it).</param>
        /// <exception cref="ArgumentException"><paramref name="path"/> is empty or names a directory.</exception>
        /// <remarks>Any exception from <paramref name="write"/> or from the file system propagates unchanged, after cleanup.</remarks>
        public static void Write(string path, Action<Stream> write)
        {
            ArgumentException.ThrowIfNullOrEmpty(path);
            ArgumentNullException.ThrowIfNull(write);
            var fullPath = Path.GetFullPath(path);
            var fileName = Path.GetFileName(fullPath);
            if (fileName.Length == 0)
            {
                throw new ArgumentException($"'{path}' names a directory, not a file.", nameof(path));
            }

            var directory = Path.GetDirectoryName(fullPath) ?? ".";
            var temporary = Path.Combine(directory, $".{fileName}.{Guid.NewGuid():N}.tmp");
            var created = false;
            try
            {
                using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
                {
                    created = true;
                    write(stream);
                    stream.Flush(flushToDisk: true);
                }

                File.Move(temporary, fullPath, overwrite: true);
                created = false;
            }
            finally
            {
                if (created)
                {
                    TryDelete(temporary);
                }
            }
        }

        /// <summary>The temporary files <see cref="Write"/> would leave behind if a process died mid-write, for cleanup.</summary>
        /// <param name="path">The destination path passed to <see cref="Write"/>.</param>
        /// <returns>The leftover temporary files' full paths (usually none).</returns>
        public static string[] FindLeftovers(string path)
        {
            ArgumentException.ThrowIfNullOrEmpty(path);
            var fullPath = Path.GetFullPath(path);
            var directory = Path.GetDirectoryName(fullPath) ?? ".";
            return Directory.Exists(directory)
                ? Directory.GetFiles(directory, $".{Path.GetFileName(fullPath)}.*.tmp")
                : Array.Empty<string>();
        }

        private static void TryDelete(string path)
        {
            try
            {
                File.Delete(path);
            }
            catch (IOException)
            {
                // Best effort: the original failure is the one to report.
            }
            catch (UnauthorizedAccessException)
            {
                // Likewise.
            }
        }
    }
}

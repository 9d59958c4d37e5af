using System;
using System.IO;
using System.Linq;
using RnnGen.IO;
using Xunit;

namespace RnnGen.Runtime.Tests.IO
{
    /// <summary>Saving replaces the file all at once or not at all, and leaves no temporary file behind.</summary>
    public sealed class AtomicSaveTests
    {
        [Fact]
        public void A_successful_save_replaces_the_previous_file_and_leaves_nothing_else()
        {
            using var directory = new TempDirectory();
            var path = directory.File("model.safetensors");
            Save(path, 1f);
            Save(path, 2f);
            Assert.Equal(2f, SafeTensorsFile.Load(path).ReadFloat32("w")[0]);
            Assert.Equal(new[] { path }, directory.Entries());
            Assert.Empty(AtomicFile.FindLeftovers(path));
        }

        [Fact]
        public void A_failing_exporter_leaves_the_previous_file_intact_and_no_temporary_file()
        {
            using var directory = new TempDirectory();
            var path = directory.File("model.safetensors");
            Save(path, 1f);
            var before = File.ReadAllBytes(path);

            var writer = new SafeTensorsWriter();
            writer.Add("first", new[] { 100_000 }, new float[100_000]); // already written when the next one fails
            writer.Add("second", new[] { 4 }, (name, _) => throw new InvalidOperationException("the GPU went away"));
            var error = Assert.Throws<CheckpointException>(() => writer.Save(path));

            Assert.Equal($"Could not save checkpoint '{path}': Exporting tensor 'second' failed: the GPU went away", error.Message);
            Assert.Equal("second", error.TensorName);
            Assert.Equal(path, error.FilePath);
            Assert.IsType<InvalidOperationException>(error.InnerException);
            Assert.Equal(before, File.ReadAllBytes(path));
            Assert.Equal(new[] { path }, directory.Entries());
        }

        [Fact]
        public void A_missing_directory_fails_cleanly_and_creates_nothing()
        {
            using var directory = new TempDirectory();
            var path = Path.Combine(directory.Path, "no-such-dir", "model.safetensors");
            var writer = new SafeTensorsWriter();
            writer.Add("w", new[] { 1 }, new[] { 1f });
            var error = Assert.Throws<CheckpointException>(() => writer.Save(path));
            Assert.StartsWith($"Could not save checkpoint '{path}': ", error.Message, StringComparison.Ordinal);
            Assert.IsType<DirectoryNotFoundException>(error.InnerException);
            Assert.Empty(directory.Entries());
        }

        [Fact]
        public void A_failure_while_writing_a_new_file_leaves_no_file_at_all()
        {
            using var directory = new TempDirectory();
            var path = directory.File("fresh.safetensors");
            var thrown = Assert.Throws<IOException>(() => AtomicFile.Write(path, stream =>
            {
                stream.Write(new byte[1000]);
                throw new IOException("disk full");
            }));
            Assert.Equal("disk full", thrown.Message);
            Assert.False(File.Exists(path));
            Assert.Empty(directory.Entries());
        }

        [Fact]
        public void A_path_that_is_a_directory_is_rejected_and_the_directory_left_alone()
        {
            using var directory = new TempDirectory();
            var inner = Directory.CreateDirectory(directory.File("taken")).FullName;
            var writer = new SafeTensorsWriter();
            writer.Add("w", new[] { 1 }, new[] { 1f });
            Assert.Throws<CheckpointException>(() => writer.Save(inner));
            Assert.True(Directory.Exists(inner));
            Assert.Equal(new[] { inner }, directory.Entries().Select(Path.GetFullPath));
        }

        private static void Save(string path, float value)
        {
            var writer = new SafeTensorsWriter();
            writer.Add("w", new[] { 1 }, new[] { value });
            writer.Save(path);
        }
    }
}

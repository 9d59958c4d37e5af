namespace RnnGen.Gpu
{
    /// <summary>A loaded module of kernels, owned by its <see cref="GpuDevice"/>; freed with the device.</summary>
    public abstract class GpuModule
    {
    }

    /// <summary>One kernel (a PTX <c>.entry</c>) of a loaded <see cref="GpuModule"/>.</summary>
    public abstract class GpuKernel
    {
        /// <summary>Creates a kernel handle named <paramref name="name"/>.</summary>
        protected GpuKernel(string name) => Name = name;

        /// <summary>The entry's name.</summary>
        public string Name { get; }
    }
}

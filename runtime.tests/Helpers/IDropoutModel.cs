using System;

namespace RnnGen.Runtime.Tests.Helpers
{
    /// <summary>The members a network with dropout generates, declared by the test models (proving their signatures).</summary>
    public interface IDropoutModel
    {
        bool Training { get; set; }

        void SeedDropout(ulong seed);

        void CopyDropoutMask(DropoutSite site, int layer, Span<float> destination);
    }
}

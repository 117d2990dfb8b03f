using Polly.Registry;

namespace Polly.AttemptAwareBreaker.Tests.SharedState.CircuitHost;

/// <summary>Disposing the pipeline disposes its shared state and detaches it from the circuit.</summary>
public class DisposeTests : SharedCircuitHostTestBase
{
    [Fact]
    public void Dispose_PipelineDisposed_DisposesSharedState()
    {
        var registry = new ResiliencePipelineRegistry<string>();
        registry.GetOrAddPipeline<int>("orders", b => b.AddAttemptAwareCircuitBreaker(Options()));

        registry.Dispose();

        Assert.True(Shared.Disposed);
    }

    [Fact]
    public void Dispose_PipelineDisposed_SnapshotNoLongerShared()
    {
        var registry = new ResiliencePipelineRegistry<string>();
        registry.GetOrAddPipeline<int>("orders", b => b.AddAttemptAwareCircuitBreaker(Options()));

        registry.Dispose();

        Assert.Equal(SharedStateStatus.None, Provider.GetSnapshot().SharedState);
    }
}

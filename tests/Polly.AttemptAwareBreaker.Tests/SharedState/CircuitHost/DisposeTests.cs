using Polly.Registry;

namespace Polly.AttemptAwareBreaker.Tests.SharedState.CircuitHost;

/// <summary>Disposing the pipeline disposes its shared state.</summary>
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
}

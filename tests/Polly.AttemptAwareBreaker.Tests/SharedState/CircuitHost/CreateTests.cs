namespace Polly.AttemptAwareBreaker.Tests.SharedState.CircuitHost;

/// <summary>Building a pipeline whose breaker has shared state: the host the store receives.</summary>
public class CreateTests : SharedCircuitHostTestBase
{
    [Fact]
    public void Create_NamedPipeline_HostCarriesNameAndSettings()
    {
        var options = Options();
        options.SamplingDuration = TimeSpan.FromSeconds(20);
        options.HalfOpenMaxProbes = 3;

        Build(options);

        Assert.Equal("orders/breaker", Shared.Host.Name);
        Assert.Same(Time, Shared.Host.TimeProvider);
        Assert.Equal(TimeSpan.FromSeconds(20), Shared.Host.SamplingDuration);
        Assert.Equal(3, Shared.Host.HalfOpenMaxProbes);
    }

    [Fact]
    public void Create_UnnamedPipeline_ThrowsSayingWhereTheNameComesFrom()
    {
        var builder = new ResiliencePipelineBuilder<int> { TimeProvider = Time }.AddAttemptAwareCircuitBreaker(Options());

        var error = Assert.Throws<InvalidOperationException>(() => builder.Build());

        Assert.Contains("give the pipeline a name", error.Message, StringComparison.Ordinal);
        Assert.Contains("ResiliencePipelineBuilder.Name", error.Message, StringComparison.Ordinal);
    }
}

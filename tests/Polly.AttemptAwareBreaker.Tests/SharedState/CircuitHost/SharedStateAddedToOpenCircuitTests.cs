using Polly.AttemptAwareBreaker.Tests.TestUtilities;

namespace Polly.AttemptAwareBreaker.Tests.SharedState.CircuitHost;

/// <summary>
/// A reload adds shared state to a circuit that opened before it was shared: no quorum judged that opening, so its scope follows the
/// quorum option (1: the fleet's, as before quorums existed; more: local).
/// </summary>
public class SharedStateAddedToOpenCircuitTests : SharedCircuitHostTestBase
{
    private readonly AttemptAwareCircuitBreakerRegistry _registry = new();

    [Fact]
    public async Task Snapshot_Quorum1_ScopeFleetWide()
    {
        await OpenThenShareAsync(quorum: 1);

        Assert.Equal(CircuitOpenScope.FleetWide, Provider.GetSnapshot().OpenScope);
    }

    [Fact]
    public async Task Execute_Quorum1ProbeSucceeds_PublishesTheClosing()
    {
        var pipeline = await OpenThenShareAsync(quorum: 1);
        Time.Advance(Breakers.Break);

        await pipeline.RunAsync(new Downstream());

        Assert.Equal((CircuitState.Closed, (DateTimeOffset?)null), Assert.Single(Shared.Published));
    }

    [Fact]
    public async Task Execute_Quorum1ProbeFails_OpensFleetWideAndPublishes()
    {
        var pipeline = await OpenThenShareAsync(quorum: 1);
        Time.Advance(Breakers.Break);

        await pipeline.RunAsync(Downstream.AlwaysFailing());

        Assert.Equal((CircuitState.Open, (DateTimeOffset?)(Time.GetUtcNow() + Breakers.Break)), Assert.Single(Shared.Published));
    }

    [Fact]
    public async Task Execute_Quorum2ProbeFails_OpensLocallyWithoutPublishing()
    {
        var pipeline = await OpenThenShareAsync(quorum: 2);
        Time.Advance(Breakers.Break);

        await pipeline.RunAsync(Downstream.AlwaysFailing());

        Assert.Equal(CircuitOpenScope.Local, Provider.GetSnapshot().OpenScope);
        Assert.Empty(Shared.Published);
    }

    /// <summary>Opens an unshared circuit with one failure, then rebuilds its pipeline with the store; the store grants every probe.</summary>
    private async Task<ResiliencePipeline<int>> OpenThenShareAsync(int quorum)
    {
        var unshared = Options(consecutive: 1);
        unshared.SharedState = null;
        unshared.Registry = _registry;
        await Build(unshared).RunAsync(Downstream.AlwaysFailing());

        var shared = Options(consecutive: 1);
        shared.Registry = _registry;
        var pipeline = Build(shared);
        Shared.Host.MinimumFailingInstances = quorum;
        Shared.ProbeAnswer = 0;
        return pipeline;
    }
}

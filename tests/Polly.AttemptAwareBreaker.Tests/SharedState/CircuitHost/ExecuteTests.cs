using Polly.AttemptAwareBreaker.Tests.TestUtilities;

namespace Polly.AttemptAwareBreaker.Tests.SharedState.CircuitHost;

/// <summary>Calls through a breaker with shared state: what the local circuit publishes, and half-open probes taken fleet-wide and given back.</summary>
public class ExecuteTests : SharedCircuitHostTestBase
{
    [Fact]
    public async Task Execute_LocalRuleOpensCircuit_PublishesOpeningWithItsEnd()
    {
        var pipeline = Build(Options(consecutive: 1));

        await pipeline.RunAsync(Downstream.AlwaysFailing());

        Assert.Equal([(CircuitState.Open, (DateTimeOffset?)(Time.GetUtcNow() + Breakers.Break))], Shared.Published);
    }

    [Fact]
    public async Task Execute_ProbeClosesCircuit_PublishesClosing()
    {
        Shared.ProbeAnswer = 0;
        var pipeline = Build(Options(consecutive: 1));
        await pipeline.RunAsync(Downstream.AlwaysFailing());
        Time.Advance(Breakers.Break);

        await pipeline.RunAsync(new Downstream());

        Assert.Equal((CircuitState.Closed, (DateTimeOffset?)null), Shared.Published[^1]);
    }

    [Fact]
    public async Task Execute_CircuitGoesHalfOpen_PublishesNothing()
    {
        Shared.ProbeAnswer = null;
        var pipeline = Build(Options(consecutive: 1));
        await pipeline.RunAsync(Downstream.AlwaysFailing());
        Time.Advance(Breakers.Break);

        await pipeline.RunAsync(new Downstream());

        Assert.Single(Shared.Published);
    }

    [Fact]
    public async Task Execute_HalfOpenFleetSlotsTaken_RejectedWithoutDownstreamCall()
    {
        Shared.ProbeAnswer = null;
        var pipeline = await OpenedAndBreakOverAsync();
        var downstream = new Downstream();

        var outcome = await pipeline.RunAsync(downstream);

        Assert.IsType<BrokenCircuitException>(outcome.Exception);
        Assert.Equal(0, downstream.Calls);
    }

    [Fact]
    public async Task Execute_HalfOpenFleetSlotsTaken_CountedAsRejectionNotProbe()
    {
        Shared.ProbeAnswer = null;
        var pipeline = await OpenedAndBreakOverAsync();

        await pipeline.RunAsync(new Downstream());

        var snapshot = Provider.GetSnapshot();
        Assert.Equal((0L, 0, 1L, 1L), (snapshot.TotalProbesAdmitted, snapshot.HalfOpenProbesInFlight, snapshot.TotalRejections, snapshot.WindowRejections));
    }

    [Fact]
    public async Task Execute_HalfOpenFleetSlotRefusedThenFree_LocalSlotWasGivenBack()
    {
        Shared.ProbeAnswer = null;
        var pipeline = await OpenedAndBreakOverAsync();
        await pipeline.RunAsync(new Downstream());
        Shared.ProbeAnswer = 0;

        var outcome = await pipeline.RunAsync(new Downstream());

        Assert.Equal(200, outcome.Result);
        Assert.Equal(CircuitState.Closed, Provider.CircuitState);
    }

    [Fact]
    public async Task Execute_HalfOpenFleetSlotTaken_AsksForTheBreakAsLeaseAndReleasesThatSlot()
    {
        Shared.ProbeAnswer = 1;
        var pipeline = await OpenedAndBreakOverAsync();

        await pipeline.RunAsync(new Downstream());

        Assert.Equal([Breakers.Break], Shared.ProbeLeases);
        Assert.Equal([1], Shared.Released);
    }

    [Fact]
    public async Task Execute_HalfOpenAfterALongerFleetBreak_AsksForTheFleetsBreakAsLease()
    {
        Shared.ProbeAnswer = 0;
        var pipeline = Build(Options());
        Shared.Host.ApplyFleetOpened(Time.GetUtcNow() + TimeSpan.FromSeconds(8));
        Time.Advance(TimeSpan.FromSeconds(8));

        await pipeline.RunAsync(new Downstream());

        Assert.Equal([TimeSpan.FromSeconds(8)], Shared.ProbeLeases);
    }

    [Fact]
    public async Task Execute_HalfOpenAfterAShorterFleetBreak_AsksForTheConfiguredBreakAsLease()
    {
        Shared.ProbeAnswer = 0;
        var pipeline = Build(Options());
        Shared.Host.ApplyFleetOpened(Time.GetUtcNow() + TimeSpan.FromSeconds(3));
        Time.Advance(TimeSpan.FromSeconds(3));

        await pipeline.RunAsync(new Downstream());

        // The fleet's break may be the last moments of the opener's: the lease is at least the configured break.
        Assert.Equal([Breakers.Break], Shared.ProbeLeases);
    }

    [Fact]
    public async Task Execute_HalfOpenStoreUnreachable_RefusedWithoutDownstreamCall()
    {
        Shared.ProbeAnswer = -1;
        var pipeline = await OpenedAndBreakOverAsync();
        var downstream = new Downstream();

        var outcome = await pipeline.RunAsync(downstream);

        // Other instances may be probing through the store: without it, the fleet's probe count cannot be kept.
        Assert.IsType<BrokenCircuitException>(outcome.Exception);
        Assert.Equal(0, downstream.Calls);
        Assert.Empty(Shared.Released);
    }

    [Fact]
    public async Task Execute_HalfOpenStoreDegradedShorterThanAWindow_RefusedWithoutAskingTheStore()
    {
        Shared.ProbeAnswer = 0;
        var pipeline = await OpenedAndBreakOverAsync();
        Shared.Host.ReportDegraded(new TimeoutException("store down"));
        Time.Advance(Shared.Host.SamplingDuration - TimeSpan.FromSeconds(1));
        var downstream = new Downstream();

        var outcome = await pipeline.RunAsync(downstream);

        Assert.IsType<BrokenCircuitException>(outcome.Exception);
        Assert.Equal((0, 0), (downstream.Calls, Shared.ProbeLeases.Count));
    }

    [Fact]
    public async Task Execute_HalfOpenStoreDegradedForAWholeWindow_ProbesLocallyWithoutAskingTheStore()
    {
        Shared.ProbeAnswer = 0;
        var pipeline = await OpenedAndBreakOverAsync();
        Shared.Host.ReportDegraded(new TimeoutException("store down"));
        Time.Advance(Shared.Host.SamplingDuration);
        var downstream = new Downstream();

        var outcome = await pipeline.RunAsync(downstream);

        Assert.Equal(200, outcome.Result);
        Assert.Equal((1, 0), (downstream.Calls, Shared.ProbeLeases.Count));
    }

    [Fact]
    public async Task Execute_HalfOpenFleetSlotsTaken_RejectionNamesTheBreaker()
    {
        Shared.ProbeAnswer = null;
        var pipeline = await OpenedAndBreakOverAsync();

        var outcome = await pipeline.RunAsync(new Downstream());

        Assert.Equal("breaker", Assert.IsType<BrokenCircuitException>(outcome.Exception).TelemetrySource?.StrategyName);
    }

    [Fact]
    public async Task Execute_HalfOpenStoreThrows_RefusedWithoutDownstreamCall()
    {
        var pipeline = await OpenedAndBreakOverAsync();
        Shared.ProbeError = new TimeoutException("store slow");
        var downstream = new Downstream();

        var outcome = await pipeline.RunAsync(downstream);

        Assert.IsType<BrokenCircuitException>(outcome.Exception);
        Assert.Equal(0, downstream.Calls);
        Assert.Empty(Shared.Released);
    }

    [Fact]
    public async Task Execute_SecondProbeWhileFirstInFlight_AlsoAsksTheFleet()
    {
        Shared.ProbeAnswer = 0;
        var options = Options(consecutive: 1);
        options.HalfOpenMaxProbes = 2;
        var pipeline = Build(options);
        await pipeline.RunAsync(Downstream.AlwaysFailing());
        Time.Advance(Breakers.Break);
        var hung = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = pipeline.RunAsync(new Downstream { Behaviour = _ => new(hung.Task) });

        await pipeline.RunAsync(new Downstream());

        Assert.Equal(2, Shared.ProbeLeases.Count);
        hung.SetResult(200);
        await first;
    }

    [Fact]
    public async Task Execute_GeneratorGivesALongerBreak_PublishesTheGeneratedBreaksEnd()
    {
        var options = Options(consecutive: 1);
        options.BreakDurationGenerator = _ => new ValueTask<TimeSpan>(TimeSpan.FromSeconds(30));
        var pipeline = Build(options);

        await pipeline.RunAsync(Downstream.AlwaysFailing());

        Assert.Equal([(CircuitState.Open, (DateTimeOffset?)(Time.GetUtcNow() + TimeSpan.FromSeconds(30)))], Shared.Published);
    }
}

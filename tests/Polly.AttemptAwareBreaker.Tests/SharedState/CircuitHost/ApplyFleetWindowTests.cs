using Polly.AttemptAwareBreaker.Tests.TestUtilities;

namespace Polly.AttemptAwareBreaker.Tests.SharedState.CircuitHost;

/// <summary><see cref="SharedCircuitHost.ApplyFleetWindow"/>: the fleet's window counts, judged together with the local attempts since the exchange.</summary>
public class ApplyFleetWindowTests : SharedCircuitHostTestBase
{
    [Fact]
    public void ApplyFleetWindow_FleetCountsMeetRatio_OpensAndPublishes()
    {
        Build(Options());

        Shared.Host.ApplyFleetWindow(successes: 5, failures: 5, includedLocal: default);

        Assert.Equal(CircuitState.Open, Provider.CircuitState);
        Assert.Equal([(CircuitState.Open, (DateTimeOffset?)(Time.GetUtcNow() + Breakers.Break))], Shared.Published);
    }

    [Fact]
    public void ApplyFleetWindow_FleetCountsBelowRatio_StaysClosed()
    {
        Build(Options());

        Shared.Host.ApplyFleetWindow(successes: 6, failures: 4, includedLocal: default);

        Assert.Equal(CircuitState.Closed, Provider.CircuitState);
    }

    [Fact]
    public async Task ApplyFleetWindow_ThenLocalFailure_RatioJudgesFleetPlusLocal()
    {
        var pipeline = Build(Options());
        Shared.Host.ApplyFleetWindow(successes: 5, failures: 4, includedLocal: default);

        await pipeline.RunAsync(Downstream.AlwaysFailing());

        Assert.Equal(CircuitState.Open, Provider.CircuitState);
    }

    [Fact]
    public async Task ApplyFleetWindow_LocalCountsAlreadyIncluded_AreNotCountedTwice()
    {
        var pipeline = Build(Options());
        await pipeline.RunAsync(Downstream.AlwaysFailing());
        await pipeline.RunAsync(Downstream.AlwaysFailing());
        var included = Shared.Host.GetLocalAttempts();
        Shared.Host.ApplyFleetWindow(successes: 5, failures: 3, includedLocal: included);

        // Fleet 5 successes and 3 failures (2 of them local), plus this failure: 5 / 4, throughput 9 — below the minimum of 10.
        await pipeline.RunAsync(Downstream.AlwaysFailing());

        Assert.Equal(CircuitState.Closed, Provider.CircuitState);
    }

    [Fact]
    public async Task ApplyFleetWindow_LocalSuccessesSinceExchange_CountTowardsThroughput()
    {
        var pipeline = Build(Options());
        Shared.Host.ApplyFleetWindow(successes: 1, failures: 5, includedLocal: default);
        for (var i = 0; i < 3; i++)
        {
            await pipeline.RunAsync(new Downstream());
        }

        // Fleet 1 + local 3 successes, 5 + 1 failures: throughput 10, ratio 0.6.
        await pipeline.RunAsync(Downstream.AlwaysFailing());

        Assert.Equal(CircuitState.Open, Provider.CircuitState);
    }

    [Fact]
    public async Task ApplyFleetWindow_WhileOpen_DoesNotOpenAgain()
    {
        var pipeline = Build(Options(consecutive: 1));
        await pipeline.RunAsync(Downstream.AlwaysFailing());

        Shared.Host.ApplyFleetWindow(successes: 0, failures: 50, includedLocal: default);

        Assert.Single(Shared.Published);
    }

    [Fact]
    public async Task ApplyFleetWindow_LocalCountsOlderThanWindow_NotCounted()
    {
        var pipeline = Build(Options());
        for (var i = 0; i < 5; i++)
        {
            await pipeline.RunAsync(new Downstream());
        }

        for (var i = 0; i < 4; i++)
        {
            await pipeline.RunAsync(Downstream.AlwaysFailing());
        }

        var included = Shared.Host.GetLocalAttempts();
        Time.Advance(Shared.Host.SamplingDuration);

        // The fleet now holds 5 failures; the 9 local attempts left the window, so the throughput is 5, below the minimum of 10.
        Shared.Host.ApplyFleetWindow(successes: 0, failures: 5, includedLocal: included);

        Assert.Equal(CircuitState.Closed, Provider.CircuitState);
    }

    [Fact]
    public async Task ApplyFleetWindow_LocalSuccessesAlreadyIncluded_AreNotCountedTwice()
    {
        var pipeline = Build(Options());
        for (var i = 0; i < 4; i++)
        {
            await pipeline.RunAsync(new Downstream());
        }

        Shared.Host.ApplyFleetWindow(successes: 5, failures: 4, includedLocal: Shared.Host.GetLocalAttempts());

        // Fleet 5 successes (4 of them local) and 4 failures, plus this failure: 5 / 5, throughput 10, ratio 0.5.
        await pipeline.RunAsync(Downstream.AlwaysFailing());

        Assert.Equal(CircuitState.Open, Provider.CircuitState);
    }

    [Fact]
    public async Task ApplyFleetWindow_LocalPermanentFailuresSinceExchange_CountAsFailures()
    {
        var options = Options();
        options.Classifier = Breakers.StatusClassifier;
        var pipeline = Build(options);
        await pipeline.RunAsync(Downstream.Answering(501));
        await pipeline.RunAsync(Downstream.Answering(501));
        Shared.Host.ApplyFleetWindow(successes: 5, failures: 4, includedLocal: Shared.Host.GetLocalAttempts());

        // Fleet 5 successes and 4 failures (2 of them local), plus this permanent failure: 5 / 5, throughput 10, ratio 0.5.
        await pipeline.RunAsync(Downstream.Answering(501));

        Assert.Equal(CircuitState.Open, Provider.CircuitState);
    }
}

using Polly.AttemptAwareBreaker.Tests.TestUtilities;

namespace Polly.AttemptAwareBreaker.Tests.SharedState.CircuitHost;

/// <summary>
/// <see cref="SharedCircuitHost.ApplyFleetHealth"/>: the other instances' windows, judged together with this instance's current one
/// (quorum 1: the fleet's counts alone decide).
/// </summary>
public class ApplyFleetHealthTests : SharedCircuitHostTestBase
{
    [Fact]
    public void ApplyFleetHealth_FleetCountsMeetRatio_OpensAndPublishes()
    {
        Build(Options());

        Shared.Host.ApplyFleetHealth([new InstanceHealth(5, 5, 0, 0)]);

        Assert.Equal(CircuitState.Open, Provider.CircuitState);
        Assert.Equal([(CircuitState.Open, (DateTimeOffset?)(Time.GetUtcNow() + Breakers.Break))], Shared.Published);
    }

    [Fact]
    public void ApplyFleetHealth_FleetCountsBelowRatio_StaysClosed()
    {
        Build(Options());

        Shared.Host.ApplyFleetHealth([new InstanceHealth(3, 2, 0, 0), new InstanceHealth(3, 2, 0, 0)]);

        Assert.Equal(CircuitState.Closed, Provider.CircuitState);
    }

    [Fact]
    public async Task ApplyFleetHealth_ThenLocalFailure_RatioJudgesFleetPlusLocal()
    {
        var pipeline = Build(Options());
        Shared.Host.ApplyFleetHealth([new InstanceHealth(5, 4, 0, 0)]);

        await pipeline.RunAsync(Downstream.AlwaysFailing());

        Assert.Equal(CircuitState.Open, Provider.CircuitState);
    }

    [Fact]
    public async Task ApplyFleetHealth_OthersPlusLocalBelowMinimum_StaysClosed()
    {
        var pipeline = Build(Options());
        await pipeline.RunAsync(Downstream.AlwaysFailing());
        await pipeline.RunAsync(Downstream.AlwaysFailing());
        Shared.Host.ApplyFleetHealth([new InstanceHealth(5, 1, 0, 0)]);

        // Others 5 successes and 1 failure, local 3 failures with this one: 5 / 4, throughput 9 — below the minimum of 10.
        await pipeline.RunAsync(Downstream.AlwaysFailing());

        Assert.Equal(CircuitState.Closed, Provider.CircuitState);
    }

    [Fact]
    public async Task ApplyFleetHealth_LocalSuccessesSinceExchange_CountTowardsThroughput()
    {
        var pipeline = Build(Options());
        Shared.Host.ApplyFleetHealth([new InstanceHealth(1, 5, 0, 0)]);
        for (var i = 0; i < 3; i++)
        {
            await pipeline.RunAsync(new Downstream());
        }

        // Fleet 1 + local 3 successes, 5 + 1 failures: throughput 10, ratio 0.6.
        await pipeline.RunAsync(Downstream.AlwaysFailing());

        Assert.Equal(CircuitState.Open, Provider.CircuitState);
    }

    [Fact]
    public async Task ApplyFleetHealth_WhileOpen_DoesNotOpenAgain()
    {
        var pipeline = Build(Options(consecutive: 1));
        await pipeline.RunAsync(Downstream.AlwaysFailing());

        Shared.Host.ApplyFleetHealth([new InstanceHealth(0, 50, 0, 50)]);

        Assert.Single(Shared.Published);
    }

    [Fact]
    public async Task ApplyFleetHealth_LocalCountsOlderThanWindow_NotCounted()
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

        Time.Advance(Shared.Host.SamplingDuration);

        // The others hold 5 failures; the 9 local attempts left the window, so the throughput is 5, below the minimum of 10.
        Shared.Host.ApplyFleetHealth([new InstanceHealth(0, 5, 0, 0)]);

        Assert.Equal(CircuitState.Closed, Provider.CircuitState);
    }

    [Fact]
    public async Task ApplyFleetHealth_OtherInstanceOpen_ItsWindowNotAddedToTheFleets()
    {
        var pipeline = Build(Options());
        Shared.Host.ApplyFleetHealth([new InstanceHealth(0, 20, 0, 20, isCircuitOpen: true), new InstanceHealth(5, 0, 0, 0)]);

        // An instance still open after the fleet closed keeps the failures that opened it until it closes too: left out, the
        // fleet's counts are 5 successes plus this failure, below the minimum of 10.
        await pipeline.RunAsync(Downstream.AlwaysFailing());

        Assert.Equal(CircuitState.Closed, Provider.CircuitState);
    }

    [Fact]
    public async Task ApplyFleetHealth_LocalPermanentFailures_CountAsFailures()
    {
        var options = Options();
        options.Classifier = Breakers.StatusClassifier;
        var pipeline = Build(options);
        await pipeline.RunAsync(Downstream.Answering(501));
        await pipeline.RunAsync(Downstream.Answering(501));
        Shared.Host.ApplyFleetHealth([new InstanceHealth(5, 2, 0, 0)]);

        // Others 5 successes and 2 failures, local 3 permanent failures with this one: 5 / 5, throughput 10, ratio 0.5.
        await pipeline.RunAsync(Downstream.Answering(501));

        Assert.Equal(CircuitState.Open, Provider.CircuitState);
    }
}

using Polly.AttemptAwareBreaker.Tests.TestUtilities;

namespace Polly.AttemptAwareBreaker.Tests.SharedState.CircuitHost;

/// <summary><see cref="SharedCircuitHost.ApplyFleetOpened"/>: another instance opened the circuit until a given time.</summary>
public class ApplyFleetOpenedTests : SharedCircuitHostTestBase
{
    [Fact]
    public void ApplyFleetOpened_ClosedCircuit_OpensUntilTheFleetsEnd()
    {
        Build(Options());

        Shared.Host.ApplyFleetOpened(Time.GetUtcNow() + TimeSpan.FromSeconds(3));

        var snapshot = Provider.GetSnapshot();
        Assert.Equal(CircuitState.Open, snapshot.State);
        Assert.Equal(TimeSpan.FromSeconds(3), snapshot.RetryAfter);
    }

    [Fact]
    public void ApplyFleetOpened_ClosedCircuit_RaisesOpenedWithoutPublishingBack()
    {
        Build(OptionsRecordingOpenings(out var opened));

        Shared.Host.ApplyFleetOpened(Time.GetUtcNow() + TimeSpan.FromSeconds(3));

        Assert.Single(opened);
        Assert.Empty(Shared.Published);
    }

    [Fact]
    public void ApplyFleetOpened_ClosedCircuit_OnOpenedGetsTheFleetsBreakNotTheConfiguredOne()
    {
        Build(OptionsRecordingOpenings(out var opened));

        Shared.Host.ApplyFleetOpened(Time.GetUtcNow() + TimeSpan.FromSeconds(3));

        Assert.Equal([TimeSpan.FromSeconds(3)], opened);
    }

    [Fact]
    public async Task ApplyFleetOpened_ClosedCircuit_NextCallRejectedWithoutDownstreamCall()
    {
        var pipeline = Build(Options());
        Shared.Host.ApplyFleetOpened(Time.GetUtcNow() + TimeSpan.FromSeconds(3));
        var downstream = new Downstream();

        var outcome = await pipeline.RunAsync(downstream);

        Assert.IsType<BrokenCircuitException>(outcome.Exception);
        Assert.Equal(0, downstream.Calls);
    }

    [Fact]
    public void ApplyFleetOpened_EndAlreadyPassed_Ignored()
    {
        Build(Options());

        Shared.Host.ApplyFleetOpened(Time.GetUtcNow());

        Assert.Equal(CircuitState.Closed, Provider.CircuitState);
    }

    [Fact]
    public async Task ApplyFleetOpened_LocalBreakEndsLater_KeepsLocalBreak()
    {
        var pipeline = Build(Options(consecutive: 1));
        await pipeline.RunAsync(Downstream.AlwaysFailing());

        Shared.Host.ApplyFleetOpened(Time.GetUtcNow() + TimeSpan.FromSeconds(2));

        Assert.Equal(Breakers.Break, Provider.GetSnapshot().RetryAfter);
    }

    [Fact]
    public async Task ApplyFleetOpened_FleetBreakEndsLater_ExtendsLocalBreak()
    {
        var pipeline = Build(Options(consecutive: 1));
        await pipeline.RunAsync(Downstream.AlwaysFailing());

        Shared.Host.ApplyFleetOpened(Time.GetUtcNow() + TimeSpan.FromSeconds(8));

        Assert.Equal(TimeSpan.FromSeconds(8), Provider.GetSnapshot().RetryAfter);
    }

    [Fact]
    public async Task ApplyFleetOpened_Isolated_StaysIsolated()
    {
        var control = new AttemptAwareCircuitBreakerManualControl();
        var options = Options();
        options.ManualControl = control;
        Build(options);
        await control.IsolateAsync();

        Shared.Host.ApplyFleetOpened(Time.GetUtcNow() + TimeSpan.FromSeconds(3));

        Assert.Equal(CircuitState.Isolated, Provider.CircuitState);
    }

    [Fact]
    public async Task ApplyFleetOpened_SameEndAsLocalBreak_RaisesNothing()
    {
        var opened = 0;
        var options = Options(consecutive: 1);
        options.OnOpened = _ =>
        {
            opened++;
            return default;
        };
        var pipeline = Build(options);
        await pipeline.RunAsync(Downstream.AlwaysFailing());

        Shared.Host.ApplyFleetOpened(Time.GetUtcNow() + Breakers.Break);

        Assert.Equal(1, opened);
    }

    [Fact]
    public async Task ApplyFleetOpened_ComposedRetryWaitingOutDelay_EndsAtOnce()
    {
        var breaker = Options();
        breaker.Classifier = Breakers.StatusClassifier;
        var pipeline = new ResiliencePipelineBuilder<int> { Name = "orders", TimeProvider = Time }
            .AddAttemptAwareRetryAndCircuitBreaker(new AttemptAwareRetryStrategyOptions<int> { Delay = TimeSpan.FromSeconds(2) }, breaker)
            .Build();
        var sleeping = pipeline.RunAsync(Downstream.Answering(503));
        Assert.False(sleeping.IsCompleted);

        Shared.Host.ApplyFleetOpened(Time.GetUtcNow() + TimeSpan.FromSeconds(3));
        var outcome = await sleeping.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        Assert.IsType<BrokenCircuitException>(outcome.Exception);
    }

    /// <summary>The options of <see cref="SharedCircuitHostTestBase.Options"/>, recording the break of every opening.</summary>
    private AttemptAwareCircuitBreakerStrategyOptions<int> OptionsRecordingOpenings(out List<TimeSpan> opened)
    {
        var breaks = opened = [];
        var options = Options();
        options.OnOpened = args =>
        {
            breaks.Add(args.BreakDuration);
            return default;
        };
        return options;
    }
}

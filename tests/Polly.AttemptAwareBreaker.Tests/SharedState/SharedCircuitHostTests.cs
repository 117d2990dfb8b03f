using Polly.AttemptAwareBreaker.Tests.TestUtilities;
using Polly.Registry;

namespace Polly.AttemptAwareBreaker.Tests.SharedState;

/// <summary>
/// The breaker's side of shared state, driven through the public extension point with an in-memory store: what it publishes,
/// how it applies the fleet's counts and state changes, how fleet-wide probes are taken and given back, and degradation.
/// </summary>
public class SharedCircuitHostTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly FakeSharedState _shared = new();
    private readonly AttemptAwareCircuitBreakerStateProvider _provider = new();
    private readonly RecordingListener _listener = new();

    [Fact]
    public void Create_NamedPipeline_HostCarriesNameAndSettings()
    {
        var options = Options();
        options.SamplingDuration = TimeSpan.FromSeconds(20);
        options.HalfOpenMaxProbes = 3;

        Build(options);

        Assert.Equal("orders/breaker", _shared.Host.Name);
        Assert.Same(_time, _shared.Host.TimeProvider);
        Assert.Equal(TimeSpan.FromSeconds(20), _shared.Host.SamplingDuration);
        Assert.Equal(3, _shared.Host.HalfOpenMaxProbes);
    }

    [Fact]
    public void Snapshot_SharedStateAttached_ReportsConnected()
    {
        Build(Options());

        Assert.Equal(SharedStateStatus.Connected, _provider.GetSnapshot().SharedState);
    }

    [Fact]
    public async Task Execute_LocalRuleOpensCircuit_PublishesOpeningWithItsEnd()
    {
        var pipeline = Build(Options(consecutive: 1));

        await pipeline.RunAsync(Downstream.AlwaysFailing());

        Assert.Equal([(CircuitState.Open, (DateTimeOffset?)(_time.GetUtcNow() + Breakers.Break))], _shared.Published);
    }

    [Fact]
    public async Task Execute_ProbeClosesCircuit_PublishesClosing()
    {
        _shared.ProbeAnswer = 0;
        var pipeline = Build(Options(consecutive: 1));
        await pipeline.RunAsync(Downstream.AlwaysFailing());
        _time.Advance(Breakers.Break);

        await pipeline.RunAsync(new Downstream());

        Assert.Equal((CircuitState.Closed, (DateTimeOffset?)null), _shared.Published[^1]);
    }

    [Fact]
    public async Task Execute_CircuitGoesHalfOpen_PublishesNothing()
    {
        _shared.ProbeAnswer = null;
        var pipeline = Build(Options(consecutive: 1));
        await pipeline.RunAsync(Downstream.AlwaysFailing());
        _time.Advance(Breakers.Break);

        await pipeline.RunAsync(new Downstream());

        Assert.Single(_shared.Published);
    }

    [Fact]
    public void ApplyFleetHealth_FleetCountsMeetRatio_OpensAndPublishes()
    {
        Build(Options());

        _shared.Host.ApplyFleetHealth([new InstanceHealth(5, 5, 0, 0)]);

        Assert.Equal(CircuitState.Open, _provider.CircuitState);
        Assert.Equal([(CircuitState.Open, (DateTimeOffset?)(_time.GetUtcNow() + Breakers.Break))], _shared.Published);
    }

    [Fact]
    public void ApplyFleetHealth_FleetCountsBelowRatio_StaysClosed()
    {
        Build(Options());

        _shared.Host.ApplyFleetHealth([new InstanceHealth(3, 2, 0, 0), new InstanceHealth(3, 2, 0, 0)]);

        Assert.Equal(CircuitState.Closed, _provider.CircuitState);
    }

    [Fact]
    public async Task ApplyFleetHealth_ThenLocalFailure_RatioJudgesFleetPlusLocal()
    {
        var pipeline = Build(Options());
        _shared.Host.ApplyFleetHealth([new InstanceHealth(5, 4, 0, 0)]);

        await pipeline.RunAsync(Downstream.AlwaysFailing());

        Assert.Equal(CircuitState.Open, _provider.CircuitState);
    }

    [Fact]
    public async Task ApplyFleetHealth_OthersPlusLocalBelowMinimum_StaysClosed()
    {
        var pipeline = Build(Options());
        await pipeline.RunAsync(Downstream.AlwaysFailing());
        await pipeline.RunAsync(Downstream.AlwaysFailing());
        _shared.Host.ApplyFleetHealth([new InstanceHealth(5, 1, 0, 0)]);

        // Others 5 successes and 1 failure, local 3 failures with this one: 5 / 4, throughput 9 — below the minimum of 10.
        await pipeline.RunAsync(Downstream.AlwaysFailing());

        Assert.Equal(CircuitState.Closed, _provider.CircuitState);
    }

    [Fact]
    public async Task ApplyFleetHealth_LocalSuccessesSinceExchange_CountTowardsThroughput()
    {
        var pipeline = Build(Options());
        _shared.Host.ApplyFleetHealth([new InstanceHealth(1, 5, 0, 0)]);
        for (var i = 0; i < 3; i++)
        {
            await pipeline.RunAsync(new Downstream());
        }

        // Fleet 1 + local 3 successes, 5 + 1 failures: throughput 10, ratio 0.6.
        await pipeline.RunAsync(Downstream.AlwaysFailing());

        Assert.Equal(CircuitState.Open, _provider.CircuitState);
    }

    [Fact]
    public async Task ApplyFleetHealth_WhileOpen_DoesNotOpenAgain()
    {
        var pipeline = Build(Options(consecutive: 1));
        await pipeline.RunAsync(Downstream.AlwaysFailing());

        _shared.Host.ApplyFleetHealth([new InstanceHealth(0, 50, 0, 50)]);

        Assert.Single(_shared.Published);
    }

    [Fact]
    public async Task ReportDegraded_LocalFailureAfterwards_DoesNotUseStaleFleetCounts()
    {
        var pipeline = Build(Options());
        _shared.Host.ApplyFleetHealth([new InstanceHealth(5, 4, 0, 0)]);
        _shared.Host.ReportDegraded(new TimeoutException("store down"));

        await pipeline.RunAsync(Downstream.AlwaysFailing());

        Assert.Equal(CircuitState.Closed, _provider.CircuitState);
    }

    [Fact]
    public void ReportDegraded_Twice_SnapshotDegradedAndOneEvent()
    {
        Build(Options());

        _shared.Host.ReportDegraded(new TimeoutException("store down"));
        _shared.Host.ReportDegraded(new TimeoutException("still down"));

        Assert.Equal(SharedStateStatus.Degraded, _provider.GetSnapshot().SharedState);
        var degraded = Assert.Single(_listener.Events, e => e.Name == BreakerTelemetry.OnSharedStateDegraded);
        var args = Assert.IsType<SharedStateArguments>(degraded.Arguments);
        Assert.Equal(SharedStateStatus.Degraded, args.Status);
        Assert.Equal("store down", args.Error?.Message);
    }

    [Fact]
    public void ReportConnected_AfterDegraded_SnapshotConnectedAndEvent()
    {
        Build(Options());
        _shared.Host.ReportDegraded(new TimeoutException("store down"));

        _shared.Host.ReportConnected();

        Assert.Equal(SharedStateStatus.Connected, _provider.GetSnapshot().SharedState);
        var connected = Assert.Single(_listener.Events, e => e.Name == BreakerTelemetry.OnSharedStateConnected);
        Assert.Equal(SharedStateStatus.Connected, Assert.IsType<SharedStateArguments>(connected.Arguments).Status);
    }

    [Fact]
    public void ApplyFleetOpened_ClosedCircuit_OpensUntilTheFleetsEnd()
    {
        Build(Options());

        _shared.Host.ApplyFleetOpened(_time.GetUtcNow() + TimeSpan.FromSeconds(3));

        var snapshot = _provider.GetSnapshot();
        Assert.Equal(CircuitState.Open, snapshot.State);
        Assert.Equal(TimeSpan.FromSeconds(3), snapshot.RetryAfter);
    }

    [Fact]
    public void ApplyFleetOpened_ClosedCircuit_RaisesOpenedWithoutPublishingBack()
    {
        var opened = new List<TimeSpan>();
        var options = Options();
        options.OnOpened = args =>
        {
            opened.Add(args.BreakDuration);
            return default;
        };
        Build(options);

        _shared.Host.ApplyFleetOpened(_time.GetUtcNow() + TimeSpan.FromSeconds(3));

        Assert.Single(opened);
        Assert.Empty(_shared.Published);
    }

    [Fact]
    public void ApplyFleetOpened_ClosedCircuit_OnOpenedGetsTheFleetsBreakNotTheConfiguredOne()
    {
        var opened = new List<TimeSpan>();
        var options = Options();
        options.OnOpened = args =>
        {
            opened.Add(args.BreakDuration);
            return default;
        };
        Build(options);

        _shared.Host.ApplyFleetOpened(_time.GetUtcNow() + TimeSpan.FromSeconds(3));

        Assert.Equal([TimeSpan.FromSeconds(3)], opened);
    }

    [Fact]
    public async Task Execute_GeneratorGivesALongerBreak_PublishesTheGeneratedBreaksEnd()
    {
        var options = Options(consecutive: 1);
        options.BreakDurationGenerator = _ => new ValueTask<TimeSpan>(TimeSpan.FromSeconds(30));
        var pipeline = Build(options);

        await pipeline.RunAsync(Downstream.AlwaysFailing());

        Assert.Equal([(CircuitState.Open, (DateTimeOffset?)(_time.GetUtcNow() + TimeSpan.FromSeconds(30)))], _shared.Published);
    }

    [Fact]
    public async Task ApplyFleetOpened_ClosedCircuit_NextCallRejectedWithoutDownstreamCall()
    {
        var pipeline = Build(Options());
        _shared.Host.ApplyFleetOpened(_time.GetUtcNow() + TimeSpan.FromSeconds(3));
        var downstream = new Downstream();

        var outcome = await pipeline.RunAsync(downstream);

        Assert.IsType<BrokenCircuitException>(outcome.Exception);
        Assert.Equal(0, downstream.Calls);
    }

    [Fact]
    public void ApplyFleetOpened_EndAlreadyPassed_Ignored()
    {
        Build(Options());

        _shared.Host.ApplyFleetOpened(_time.GetUtcNow());

        Assert.Equal(CircuitState.Closed, _provider.CircuitState);
    }

    [Fact]
    public async Task ApplyFleetOpened_LocalBreakEndsLater_KeepsLocalBreak()
    {
        var pipeline = Build(Options(consecutive: 1));
        await pipeline.RunAsync(Downstream.AlwaysFailing());

        _shared.Host.ApplyFleetOpened(_time.GetUtcNow() + TimeSpan.FromSeconds(2));

        Assert.Equal(Breakers.Break, _provider.GetSnapshot().RetryAfter);
    }

    [Fact]
    public async Task ApplyFleetOpened_FleetBreakEndsLater_ExtendsLocalBreak()
    {
        var pipeline = Build(Options(consecutive: 1));
        await pipeline.RunAsync(Downstream.AlwaysFailing());

        _shared.Host.ApplyFleetOpened(_time.GetUtcNow() + TimeSpan.FromSeconds(8));

        Assert.Equal(TimeSpan.FromSeconds(8), _provider.GetSnapshot().RetryAfter);
    }

    [Fact]
    public async Task ApplyFleetOpened_Isolated_StaysIsolated()
    {
        var control = new AttemptAwareCircuitBreakerManualControl();
        var options = Options();
        options.ManualControl = control;
        Build(options);
        await control.IsolateAsync();

        _shared.Host.ApplyFleetOpened(_time.GetUtcNow() + TimeSpan.FromSeconds(3));

        Assert.Equal(CircuitState.Isolated, _provider.CircuitState);
    }

    [Fact]
    public async Task ApplyFleetClosed_Open_ClosesWithoutPublishingBack()
    {
        var pipeline = Build(Options(consecutive: 1));
        await pipeline.RunAsync(Downstream.AlwaysFailing());

        _shared.Host.ApplyFleetClosed();

        Assert.Equal(CircuitState.Closed, _provider.CircuitState);
        Assert.Single(_shared.Published);
    }

    [Fact]
    public void ApplyFleetClosed_AlreadyClosed_RaisesNothing()
    {
        var closed = 0;
        var options = Options();
        options.OnClosed = _ =>
        {
            closed++;
            return default;
        };
        Build(options);

        _shared.Host.ApplyFleetClosed();

        Assert.Equal(0, closed);
    }

    [Fact]
    public async Task ApplyFleetClosed_Isolated_StaysIsolated()
    {
        var control = new AttemptAwareCircuitBreakerManualControl();
        var options = Options();
        options.ManualControl = control;
        Build(options);
        await control.IsolateAsync();

        _shared.Host.ApplyFleetClosed();

        Assert.Equal(CircuitState.Isolated, _provider.CircuitState);
    }

    [Fact]
    public async Task Execute_HalfOpenFleetSlotsTaken_RejectedWithoutDownstreamCall()
    {
        _shared.ProbeAnswer = null;
        var pipeline = await OpenedAndBreakOverAsync();
        var downstream = new Downstream();

        var outcome = await pipeline.RunAsync(downstream);

        Assert.IsType<BrokenCircuitException>(outcome.Exception);
        Assert.Equal(0, downstream.Calls);
    }

    [Fact]
    public async Task Execute_HalfOpenFleetSlotsTaken_CountedAsRejectionNotProbe()
    {
        _shared.ProbeAnswer = null;
        var pipeline = await OpenedAndBreakOverAsync();

        await pipeline.RunAsync(new Downstream());

        var snapshot = _provider.GetSnapshot();
        Assert.Equal((0L, 0, 1L, 1L), (snapshot.TotalProbesAdmitted, snapshot.HalfOpenProbesInFlight, snapshot.TotalRejections, snapshot.WindowRejections));
    }

    [Fact]
    public async Task Execute_HalfOpenFleetSlotRefusedThenFree_LocalSlotWasGivenBack()
    {
        _shared.ProbeAnswer = null;
        var pipeline = await OpenedAndBreakOverAsync();
        await pipeline.RunAsync(new Downstream());
        _shared.ProbeAnswer = 0;

        var outcome = await pipeline.RunAsync(new Downstream());

        Assert.Equal(200, outcome.Result);
        Assert.Equal(CircuitState.Closed, _provider.CircuitState);
    }

    [Fact]
    public async Task Execute_HalfOpenFleetSlotTaken_AsksForTheBreakAsLeaseAndReleasesThatSlot()
    {
        _shared.ProbeAnswer = 1;
        var pipeline = await OpenedAndBreakOverAsync();

        await pipeline.RunAsync(new Downstream());

        Assert.Equal([Breakers.Break], _shared.ProbeLeases);
        Assert.Equal([1], _shared.Released);
    }

    [Fact]
    public async Task Execute_HalfOpenStoreUnreachable_RefusedWithoutDownstreamCall()
    {
        _shared.ProbeAnswer = -1;
        var pipeline = await OpenedAndBreakOverAsync();
        var downstream = new Downstream();

        var outcome = await pipeline.RunAsync(downstream);

        // Other instances may be probing through the store: without it, the fleet's probe count cannot be kept.
        Assert.IsType<BrokenCircuitException>(outcome.Exception);
        Assert.Equal(0, downstream.Calls);
        Assert.Empty(_shared.Released);
    }

    [Fact]
    public async Task Execute_HalfOpenStoreDegradedShorterThanAWindow_RefusedWithoutAskingTheStore()
    {
        _shared.ProbeAnswer = 0;
        var pipeline = await OpenedAndBreakOverAsync();
        _shared.Host.ReportDegraded(new TimeoutException("store down"));
        _time.Advance(_shared.Host.SamplingDuration - TimeSpan.FromSeconds(1));
        var downstream = new Downstream();

        var outcome = await pipeline.RunAsync(downstream);

        Assert.IsType<BrokenCircuitException>(outcome.Exception);
        Assert.Equal((0, 0), (downstream.Calls, _shared.ProbeLeases.Count));
    }

    [Fact]
    public async Task Execute_HalfOpenStoreDegradedForAWholeWindow_ProbesLocallyWithoutAskingTheStore()
    {
        _shared.ProbeAnswer = 0;
        var pipeline = await OpenedAndBreakOverAsync();
        _shared.Host.ReportDegraded(new TimeoutException("store down"));
        _time.Advance(_shared.Host.SamplingDuration);
        var downstream = new Downstream();

        var outcome = await pipeline.RunAsync(downstream);

        Assert.Equal(200, outcome.Result);
        Assert.Equal((1, 0), (downstream.Calls, _shared.ProbeLeases.Count));
    }

    [Fact]
    public void Dispose_PipelineDisposed_DisposesSharedState()
    {
        var registry = new ResiliencePipelineRegistry<string>();
        registry.GetOrAddPipeline<int>("orders", b => b.AddAttemptAwareCircuitBreaker(Options()));

        registry.Dispose();

        Assert.True(_shared.Disposed);
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

        _time.Advance(_shared.Host.SamplingDuration);

        // The others hold 5 failures; the 9 local attempts left the window, so the throughput is 5, below the minimum of 10.
        _shared.Host.ApplyFleetHealth([new InstanceHealth(0, 5, 0, 0)]);

        Assert.Equal(CircuitState.Closed, _provider.CircuitState);
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

        _shared.Host.ApplyFleetOpened(_time.GetUtcNow() + Breakers.Break);

        Assert.Equal(1, opened);
    }

    [Fact]
    public async Task ApplyFleetClosed_Open_RaisesClosed()
    {
        var closed = 0;
        var options = Options(consecutive: 1);
        options.OnClosed = _ =>
        {
            closed++;
            return default;
        };
        var pipeline = Build(options);
        await pipeline.RunAsync(Downstream.AlwaysFailing());

        _shared.Host.ApplyFleetClosed();

        Assert.Equal(1, closed);
    }

    [Fact]
    public async Task ApplyFleetOpened_ComposedRetryWaitingOutDelay_EndsAtOnce()
    {
        var breaker = Options();
        breaker.Classifier = Breakers.StatusClassifier;
        var pipeline = new ResiliencePipelineBuilder<int> { Name = "orders", TimeProvider = _time }
            .AddAttemptAwareRetryAndCircuitBreaker(new AttemptAwareRetryStrategyOptions<int> { Delay = TimeSpan.FromSeconds(2) }, breaker)
            .Build();
        var sleeping = pipeline.RunAsync(Downstream.Answering(503));
        Assert.False(sleeping.IsCompleted);

        _shared.Host.ApplyFleetOpened(_time.GetUtcNow() + TimeSpan.FromSeconds(3));
        var outcome = await sleeping.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        Assert.IsType<BrokenCircuitException>(outcome.Exception);
    }

    [Fact]
    public async Task Execute_HalfOpenFleetSlotsTaken_RejectionNamesTheBreaker()
    {
        _shared.ProbeAnswer = null;
        var pipeline = await OpenedAndBreakOverAsync();

        var outcome = await pipeline.RunAsync(new Downstream());

        Assert.Equal("breaker", Assert.IsType<BrokenCircuitException>(outcome.Exception).TelemetrySource?.StrategyName);
    }

    [Fact]
    public async Task Execute_HalfOpenStoreThrows_RefusedWithoutDownstreamCall()
    {
        var pipeline = await OpenedAndBreakOverAsync();
        _shared.ProbeError = new TimeoutException("store slow");
        var downstream = new Downstream();

        var outcome = await pipeline.RunAsync(downstream);

        Assert.IsType<BrokenCircuitException>(outcome.Exception);
        Assert.Equal(0, downstream.Calls);
        Assert.Empty(_shared.Released);
    }

    [Fact]
    public async Task Execute_SecondProbeWhileFirstInFlight_AlsoAsksTheFleet()
    {
        _shared.ProbeAnswer = 0;
        var options = Options(consecutive: 1);
        options.HalfOpenMaxProbes = 2;
        var pipeline = Build(options);
        await pipeline.RunAsync(Downstream.AlwaysFailing());
        _time.Advance(Breakers.Break);
        var hung = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = pipeline.RunAsync(new Downstream { Behaviour = _ => new(hung.Task) });

        await pipeline.RunAsync(new Downstream());

        Assert.Equal(2, _shared.ProbeLeases.Count);
        hung.SetResult(200);
        await first;
    }

    [Fact]
    public async Task GetLocalHealth_AfterCalls_ReportsTheWindowAndTheRunOfFailures()
    {
        var pipeline = Build(Options());
        for (var i = 0; i < 4; i++)
        {
            await pipeline.RunAsync(new Downstream());
        }

        await pipeline.RunAsync(Downstream.AlwaysFailing());
        await pipeline.RunAsync(Downstream.AlwaysFailing());

        var health = _shared.Host.GetLocalHealth();

        Assert.Equal((4L, 2L, 0L, 2, false), (health.Successes, health.Failures, health.Slow, health.ConsecutiveFailures, health.IsCircuitOpen));
    }

    [Fact]
    public async Task GetLocalHealth_CircuitOpen_SaysSo()
    {
        var pipeline = Build(Options(consecutive: 1));
        await pipeline.RunAsync(Downstream.AlwaysFailing());

        Assert.True(_shared.Host.GetLocalHealth().IsCircuitOpen);
    }

    [Fact]
    public async Task ApplyFleetHealth_OtherInstanceOpen_ItsWindowNotAddedToTheFleets()
    {
        var pipeline = Build(Options());
        _shared.Host.ApplyFleetHealth([new InstanceHealth(0, 20, 0, 20, isCircuitOpen: true), new InstanceHealth(5, 0, 0, 0)]);

        // An instance still open after the fleet closed keeps the failures that opened it until it closes too: left out, the
        // fleet's counts are 5 successes plus this failure, below the minimum of 10.
        await pipeline.RunAsync(Downstream.AlwaysFailing());

        Assert.Equal(CircuitState.Closed, _provider.CircuitState);
    }

    [Fact]
    public async Task ApplyFleetHealth_LocalPermanentFailures_CountAsFailures()
    {
        var options = Options();
        options.Classifier = Breakers.StatusClassifier;
        var pipeline = Build(options);
        await pipeline.RunAsync(Downstream.Answering(501));
        await pipeline.RunAsync(Downstream.Answering(501));
        _shared.Host.ApplyFleetHealth([new InstanceHealth(5, 2, 0, 0)]);

        // Others 5 successes and 2 failures, local 3 permanent failures with this one: 5 / 5, throughput 10, ratio 0.5.
        await pipeline.RunAsync(Downstream.Answering(501));

        Assert.Equal(CircuitState.Open, _provider.CircuitState);
    }

    [Fact]
    public void Create_UnnamedPipeline_ThrowsSayingWhereTheNameComesFrom()
    {
        var builder = new ResiliencePipelineBuilder<int> { TimeProvider = _time }.AddAttemptAwareCircuitBreaker(Options());

        var error = Assert.Throws<InvalidOperationException>(() => builder.Build());

        Assert.Contains("give the pipeline a name", error.Message, StringComparison.Ordinal);
        Assert.Contains("ResiliencePipelineBuilder.Name", error.Message, StringComparison.Ordinal);
    }

    private AttemptAwareCircuitBreakerStrategyOptions<int> Options(int? consecutive = null) => new()
    {
        Name = "breaker",
        FailureRatio = 0.5,
        MinimumThroughput = 10,
        ConsecutiveFailureThreshold = consecutive,
        BreakDuration = Breakers.Break,
        StateProvider = _provider,
        SharedState = _shared,
    };

    private ResiliencePipeline<int> Build(AttemptAwareCircuitBreakerStrategyOptions<int> options)
        => new ResiliencePipelineBuilder<int> { Name = "orders", TimeProvider = _time, TelemetryListener = _listener }
            .AddAttemptAwareCircuitBreaker(options)
            .Build();

    private async Task<ResiliencePipeline<int>> OpenedAndBreakOverAsync()
    {
        var pipeline = Build(Options(consecutive: 1));
        await pipeline.RunAsync(Downstream.AlwaysFailing());
        _time.Advance(Breakers.Break);
        return pipeline;
    }
}

using Polly.AttemptAwareBreaker.Tests.TestUtilities;

namespace Polly.AttemptAwareBreaker.Tests.CircuitBreaker.PartialFailures;

/// <summary>
/// The slow-attempt rule: an attempt that took at least <c>SlowAttemptThreshold</c> is slow besides its class, and one still running
/// past the threshold counts as slow from that moment.
/// </summary>
public class SlowAttemptsTests
{
    private static readonly TimeSpan Threshold = TimeSpan.FromSeconds(1);

    private readonly FakeTimeProvider _time = new();
    private readonly AttemptAwareCircuitBreakerStateProvider _provider = new();
    private readonly List<CircuitStateChangeReason> _reasons = [];
    private readonly AttemptAwareCircuitBreakerRegistry _registry = new();

    public SlowAttemptsTests() => _registry.StateChanged += (_, change) =>
    {
        if (change.ToState == CircuitState.Open)
        {
            _reasons.Add(change.Reason);
        }
    };

    [Fact]
    public async Task Execute_SlowSuccessesReachTheRatio_OpensWithReasonSlowAttempts()
    {
        var pipeline = Build(Options());

        for (var i = 0; i < 4; i++)
        {
            await CallTakingAsync(pipeline, TimeSpan.FromSeconds(2));
        }

        Assert.Equal(CircuitState.Open, _provider.CircuitState);
        Assert.Equal([CircuitStateChangeReason.SlowAttempts], _reasons);
    }

    [Fact]
    public async Task Execute_SlowSuccess_IsStillASuccessForTheCaller()
    {
        var pipeline = Build(Options());

        var outcome = await CallTakingAsync(pipeline, TimeSpan.FromSeconds(2));

        Assert.Equal(200, outcome.Result);
        Assert.Equal(1, _provider.GetSnapshot().TotalAttempts.Successes);
    }

    [Fact]
    public async Task Execute_SlowShareBelowTheRatio_StaysClosed()
    {
        var pipeline = Build(Options(ratio: 0.75));

        for (var i = 0; i < 2; i++)
        {
            await CallTakingAsync(pipeline, TimeSpan.FromSeconds(2));
            await CallTakingAsync(pipeline, TimeSpan.FromMilliseconds(10));
        }

        Assert.Equal(CircuitState.Closed, _provider.CircuitState);
    }

    [Fact]
    public async Task Execute_AttemptJustUnderTheThreshold_IsNotSlow()
    {
        var pipeline = Build(Options());

        for (var i = 0; i < 4; i++)
        {
            await CallTakingAsync(pipeline, Threshold - TimeSpan.FromTicks(1));
        }

        Assert.Equal(0, _provider.GetSnapshot().TotalSlowAttempts);
        Assert.Equal(CircuitState.Closed, _provider.CircuitState);
    }

    [Fact]
    public async Task Execute_SlowAttemptsBelowMinimumThroughput_StaysClosed()
    {
        var pipeline = Build(Options());

        for (var i = 0; i < 3; i++)
        {
            await CallTakingAsync(pipeline, TimeSpan.FromSeconds(2));
        }

        Assert.Equal(CircuitState.Closed, _provider.CircuitState);
    }

    [Fact]
    public async Task Execute_SlowRuleOff_SlowAttemptsNeverOpen()
    {
        var options = Options();
        options.SlowAttemptThreshold = null;
        var pipeline = Build(options);

        for (var i = 0; i < 10; i++)
        {
            await CallTakingAsync(pipeline, TimeSpan.FromMinutes(1));
        }

        Assert.Equal(CircuitState.Closed, _provider.CircuitState);
        Assert.Equal(0, _provider.GetSnapshot().TotalSlowAttempts);
    }

    [Fact]
    public async Task Execute_SlowIgnoredOutcomes_AreNotSlow()
    {
        var options = Options();
        options.Classifier = _ => new(OutcomeClass.Ignored);
        var pipeline = Build(options);

        for (var i = 0; i < 4; i++)
        {
            await CallTakingAsync(pipeline, TimeSpan.FromSeconds(2));
        }

        Assert.Equal(0, _provider.GetSnapshot().TotalSlowAttempts);
        Assert.Equal(CircuitState.Closed, _provider.CircuitState);
    }

    [Fact]
    public async Task Execute_AttemptsStillRunningPastTheThreshold_OpenAtTheNextAdmissionWithoutWaitingForThem()
    {
        var pipeline = Build(Options());
        var hang = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var hanging = Enumerable.Range(0, 4).Select(_ => pipeline.RunAsync(new Downstream { Behaviour = _ => new(hang.Task) })).ToArray();

        // A quarter of the threshold of granularity: the attempts count as slow by 1.25 s at the latest.
        _time.Advance(TimeSpan.FromMilliseconds(1250));
        var next = await pipeline.RunAsync(new Downstream());

        Assert.IsType<BrokenCircuitException>(next.Exception);
        Assert.Equal([CircuitStateChangeReason.SlowAttempts], _reasons);
        Assert.All(hanging, h => Assert.False(h.IsCompleted));
        hang.SetResult(200);
        await Task.WhenAll(hanging);
    }

    [Fact]
    public async Task Execute_AttemptsRunningShorterThanTheThreshold_DoNotOpen()
    {
        var pipeline = Build(Options());
        var hang = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var hanging = Enumerable.Range(0, 4).Select(_ => pipeline.RunAsync(new Downstream { Behaviour = _ => new(hang.Task) })).ToArray();

        _time.Advance(Threshold - TimeSpan.FromMilliseconds(1));
        var next = await pipeline.RunAsync(new Downstream());

        Assert.Equal(200, next.Result);
        hang.SetResult(200);
        await Task.WhenAll(hanging);
    }

    [Fact]
    public async Task Execute_SlowProbe_OpensTheCircuitAgain()
    {
        var pipeline = await OpenedAsync();
        _time.Advance(Breakers.Break);

        var probe = await CallTakingAsync(pipeline, TimeSpan.FromSeconds(2));

        Assert.Equal(200, probe.Result);
        Assert.Equal(CircuitState.Open, _provider.CircuitState);
        Assert.Equal(CircuitStateChangeReason.SlowAttempts, _reasons[^1]);
    }

    [Fact]
    public async Task Execute_ProbeRunningPastTheThreshold_OpensAgainAtTheNextAdmission()
    {
        var pipeline = await OpenedAsync();
        _time.Advance(Breakers.Break);
        var hang = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var probe = pipeline.RunAsync(new Downstream { Behaviour = _ => new(hang.Task) });

        _time.Advance(Threshold);
        var next = await pipeline.RunAsync(new Downstream());

        Assert.Equal(TimeSpan.FromSeconds(5), Assert.IsType<BrokenCircuitException>(next.Exception).RetryAfter);
        Assert.Equal(CircuitStateChangeReason.SlowAttempts, _reasons[^1]);
        hang.SetResult(200);
        await probe;
    }

    [Fact]
    public async Task GetSnapshot_SlowAttempts_CountedInWindowAndTotals()
    {
        var pipeline = Build(Options());

        await CallTakingAsync(pipeline, TimeSpan.FromSeconds(2));
        await CallTakingAsync(pipeline, TimeSpan.FromMilliseconds(5));

        var snapshot = _provider.GetSnapshot();
        Assert.Equal((1, 1), (snapshot.WindowSlowAttempts, snapshot.TotalSlowAttempts));
    }

    [Fact]
    public async Task Classifier_Attempt_ReceivesItsDuration()
    {
        var durations = new List<TimeSpan>();
        var options = Options();
        options.Classifier = args =>
        {
            durations.Add(args.Duration);
            return new(OutcomeClass.Success);
        };
        var pipeline = Build(options);

        await CallTakingAsync(pipeline, TimeSpan.FromMilliseconds(1500));

        Assert.Equal([TimeSpan.FromMilliseconds(1500)], durations);
    }

    [Fact]
    public async Task Classifier_ComposedRetry_ReceivesEachAttemptsDuration()
    {
        var durations = new List<TimeSpan>();
        var options = Options();
        options.Classifier = args =>
        {
            durations.Add(args.Duration);
            return new(args.Outcome.Result == 503 ? OutcomeClass.TransientFailure : OutcomeClass.Success);
        };
        var pipeline = new ResiliencePipelineBuilder<int> { TimeProvider = _time }
            .AddAttemptAwareRetryAndCircuitBreaker(new AttemptAwareRetryStrategyOptions<int> { Delay = TimeSpan.Zero, RetryBudget = null }, options)
            .Build();
        var downstream = new Downstream
        {
            Behaviour = n =>
            {
                _time.Advance(TimeSpan.FromMilliseconds(100 * n));
                return new(n == 1 ? 503 : 200);
            },
        };

        await pipeline.RunAsync(downstream);

        Assert.Equal([TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(200)], durations);
    }

    [Fact]
    public async Task Telemetry_SlowAttempt_ReportsOnSlowAttemptWithItsDuration()
    {
        var listener = new RecordingListener();
        var pipeline = new ResiliencePipelineBuilder<int> { TimeProvider = _time, TelemetryListener = listener }
            .AddAttemptAwareCircuitBreaker(Options())
            .Build();

        await CallTakingAsync(pipeline, TimeSpan.FromSeconds(3));

        var slow = (SlowAttemptArguments)Assert.Single(listener.Events, e => e.Name == BreakerTelemetry.OnSlowAttempt).Arguments!;
        Assert.Equal((OutcomeClass.Success, TimeSpan.FromSeconds(3)), (slow.OutcomeClass, slow.Duration));
    }

    private AttemptAwareCircuitBreakerStrategyOptions<int> Options(double ratio = 0.5) => new()
    {
        SlowAttemptThreshold = Threshold,
        SlowAttemptRatio = ratio,
        MinimumThroughput = 4,
        FailureRatio = 1,
        BreakDuration = Breakers.Break,
        StateProvider = _provider,
        Classifier = Breakers.StatusClassifier,
        Registry = _registry,
    };

    private ResiliencePipeline<int> Build(AttemptAwareCircuitBreakerStrategyOptions<int> options)
        => new ResiliencePipelineBuilder<int> { Name = "slow", TimeProvider = _time }.AddAttemptAwareCircuitBreaker(options).Build();

    private async Task<ResiliencePipeline<int>> OpenedAsync()
    {
        var options = Options();
        options.ConsecutiveFailureThreshold = 1;
        var pipeline = Build(options);
        await pipeline.RunAsync(Downstream.Answering(503));
        Assert.Equal(CircuitState.Open, _provider.CircuitState);
        return pipeline;
    }

    /// <summary>Makes one call whose downstream answers 200 after <paramref name="duration"/> of virtual time.</summary>
    private async Task<Outcome<int>> CallTakingAsync(ResiliencePipeline<int> pipeline, TimeSpan duration)
    {
        var answer = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var call = pipeline.RunAsync(new Downstream { Behaviour = _ => new(answer.Task) });
        _time.Advance(duration);
        answer.SetResult(200);
        return await call;
    }
}

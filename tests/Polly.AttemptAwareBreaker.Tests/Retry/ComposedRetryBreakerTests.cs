using Polly.AttemptAwareBreaker.Tests.TestUtilities;
using Polly.Retry;

namespace Polly.AttemptAwareBreaker.Tests.Retry;

public class ComposedRetryBreakerTests
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(100);
    private readonly FakeTimeProvider _time = new();
    private readonly AttemptAwareCircuitBreakerStateProvider _provider = new();

    [Fact]
    public async Task HardOutage_ThresholdFiveThreeAttempts_ExactlyFiveDownstreamCallsBeforeOpen()
    {
        var pipeline = ComposedPipelines.Build(_time, ComposedPipelines.Retry(), ComposedPipelines.Breaker(5, _provider));
        var downstream = Downstream.Answering(503);

        var first = await _time.RunAsync(pipeline.RunAsync(downstream), Step);
        var second = await _time.RunAsync(pipeline.RunAsync(downstream), Step);

        Assert.Equal(503, first.Result);
        Assert.Equal(503, second.Result);
        Assert.Equal(5, downstream.Calls);
        Assert.Equal(CircuitState.Open, _provider.CircuitState);
    }

    [Fact]
    public async Task HardOutage_OperationWhoseAttemptOpenedCircuit_EndsWithThatFailureWithoutDelay()
    {
        var pipeline = ComposedPipelines.Build(_time, ComposedPipelines.Retry(), ComposedPipelines.Breaker(5, _provider));
        var downstream = new Downstream { Behaviour = n => throw new HttpRequestException($"attempt {n}") };
        await _time.RunAsync(pipeline.RunAsync(downstream), Step);

        var second = pipeline.RunAsync(downstream);
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.True(second.IsCompleted);
        Assert.Equal("attempt 5", (await second).Exception?.Message);
    }

    [Fact]
    public async Task HardOutage_LaterOperations_ZeroCallsZeroTimeAndRetryAfterIsTimeLeft()
    {
        var pipeline = ComposedPipelines.Build(_time, ComposedPipelines.Retry(), ComposedPipelines.Breaker(5, _provider));
        var downstream = Downstream.Answering(503);
        await _time.RunAsync(pipeline.RunAsync(downstream), Step);
        await _time.RunAsync(pipeline.RunAsync(downstream), Step);
        _time.Advance(TimeSpan.FromSeconds(2));
        var callsAtOpen = downstream.Calls;
        var before = _time.GetUtcNow();

        for (var i = 0; i < 10; i++)
        {
            var outcome = await pipeline.RunAsync(downstream);

            Assert.Equal(TimeSpan.FromSeconds(3), Assert.IsType<BrokenCircuitException>(outcome.Exception).RetryAfter);
        }

        Assert.Equal(callsAtOpen, downstream.Calls);
        Assert.Equal(before, _time.GetUtcNow());
    }

    [Fact]
    public async Task RetryDelay_CircuitOpenedByOthersDuringDelay_OperationEndsAtTheMomentOfOpening()
    {
        var pipeline = ComposedPipelines.Build(_time, ComposedPipelines.Retry(delaySeconds: 2), ComposedPipelines.Breaker(2, _provider));
        var sleeping = pipeline.RunAsync(Downstream.Answering(503));
        _time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.False(sleeping.IsCompleted);

        var openedAt = _time.GetUtcNow();

        await pipeline.RunAsync(Downstream.Answering(503));
        var outcome = await sleeping.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        // The virtual clock has not moved since the circuit opened: the 2 s delay ended at the moment of opening.
        Assert.Equal(openedAt, _time.GetUtcNow());
        Assert.IsType<BrokenCircuitException>(outcome.Exception);
        Assert.Equal(CircuitState.Open, _provider.CircuitState);
    }

    [Fact]
    public async Task PermanentError400_ThousandOperations_ThousandCallsNoRetriesCircuitClosed()
    {
        var pipeline = ComposedPipelines.Build(_time, ComposedPipelines.Retry(), ComposedPipelines.Breaker(5, _provider));
        var downstream = Downstream.Answering(400);

        for (var i = 0; i < 1000; i++)
        {
            Assert.Equal(400, (await pipeline.RunAsync(downstream)).Result);
        }

        Assert.Equal(1000, downstream.Calls);
        Assert.Equal(CircuitState.Closed, _provider.CircuitState);
    }

    [Fact]
    public async Task PermanentFailure501_IsNotRetriedButCounted()
    {
        var pipeline = ComposedPipelines.Build(_time, ComposedPipelines.Retry(), ComposedPipelines.Breaker(5, _provider));
        var downstream = Downstream.Answering(501);

        await pipeline.RunAsync(downstream);

        Assert.Equal(1, downstream.Calls);
        Assert.Equal(1, _provider.GetSnapshot().WindowAttempts.PermanentFailures);
    }

    [Fact]
    public async Task HalfOpenProbe_Fails_IsNotRetriedAndCircuitOpensAgain()
    {
        var pipeline = ComposedPipelines.Build(_time, ComposedPipelines.Retry(), ComposedPipelines.Breaker(1, _provider));
        var downstream = Downstream.Answering(503);
        await pipeline.RunAsync(downstream);
        _time.Advance(Breakers.Break);

        var probe = await pipeline.RunAsync(downstream);

        Assert.Equal(503, probe.Result);
        Assert.Equal(2, downstream.Calls);
        Assert.Equal(CircuitState.Open, _provider.CircuitState);
    }

    [Fact]
    public async Task Rejection_PollyDefaultRetryOutside_WaitsThroughDelaysWhileComposedDoesNot()
    {
        var pollyProvider = new AttemptAwareCircuitBreakerStateProvider();
        var breaker = Breakers.Consecutive(1, pollyProvider);
        breaker.BreakDuration = TimeSpan.FromMinutes(1);
        var polly = new ResiliencePipelineBuilder<int> { TimeProvider = _time }
            .AddRetry(new RetryStrategyOptions<int> { MaxRetryAttempts = 3, Delay = TimeSpan.FromSeconds(1) })
            .AddAttemptAwareCircuitBreaker(breaker)
            .Build();
        var composed = ComposedPipelines.Build(_time, ComposedPipelines.Retry(maxRetries: 3), ComposedPipelines.Breaker(1, _provider));
        await _time.RunAsync(polly.RunAsync(Downstream.AlwaysFailing()), TimeSpan.FromMilliseconds(10));
        await composed.RunAsync(Downstream.AlwaysFailing());
        var start = _time.GetUtcNow();

        var composedOutcome = await composed.RunAsync(new Downstream());
        var composedWait = _time.GetUtcNow() - start;
        var pollyOutcome = await _time.RunAsync(polly.RunAsync(new Downstream()), TimeSpan.FromMilliseconds(10));
        var pollyWait = _time.GetUtcNow() - start;

        Assert.IsType<BrokenCircuitException>(composedOutcome.Exception);
        Assert.IsType<BrokenCircuitException>(pollyOutcome.Exception);
        Assert.Equal(TimeSpan.Zero, composedWait);
        Assert.Equal(TimeSpan.FromSeconds(3), pollyWait);
        Assert.Equal(7, pollyProvider.GetSnapshot().TotalRejections);
        Assert.Equal(1, _provider.GetSnapshot().TotalRejections);
    }

    [Fact]
    public async Task Misordering_ComposedRetryInsideStandaloneBreaker_FailsWithInstructions()
    {
        var pipeline = new ResiliencePipelineBuilder<int> { TimeProvider = _time }
            .AddAttemptAwareCircuitBreaker(new AttemptAwareCircuitBreakerStrategyOptions<int>())
            .AddAttemptAwareRetryAndCircuitBreaker(ComposedPipelines.Retry(), new AttemptAwareCircuitBreakerStrategyOptions<int>())
            .Build();
        var downstream = new Downstream();

        var outcome = await pipeline.RunAsync(downstream);

        var ex = Assert.IsType<InvalidOperationException>(outcome.Exception);
        Assert.Contains("would see one outcome per operation", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Remove the separate AddAttemptAwareCircuitBreaker call", ex.Message, StringComparison.Ordinal);
        Assert.Contains("AddAttemptAwareRetryAndCircuitBreaker(retryOptions, circuitBreakerOptions)", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, downstream.Calls);
    }

    [Fact]
    public async Task Misordering_PollyRetryOutsideComposed_IsAllowed()
    {
        var pipeline = new ResiliencePipelineBuilder<int> { TimeProvider = _time }
            .AddRetry(new RetryStrategyOptions<int> { Delay = TimeSpan.Zero })
            .AddAttemptAwareRetryAndCircuitBreaker(ComposedPipelines.Retry(), new AttemptAwareCircuitBreakerStrategyOptions<int>())
            .Build();

        var outcome = await pipeline.RunAsync(new Downstream());

        Assert.Equal(200, outcome.Result);
    }

    [Fact]
    public async Task OnRetry_EachFailedAttempt_ReportedWithItsExceptionAndNumber()
    {
        var seen = new List<(int Attempt, string? Message)>();
        var retry = ComposedPipelines.Retry(maxRetries: 2, delaySeconds: 0);
        retry.OnRetry = args =>
        {
            seen.Add((args.AttemptNumber, args.Outcome.Exception?.Message));
            return default;
        };
        var pipeline = ComposedPipelines.Build(_time, retry, ComposedPipelines.Breaker(10));

        var outcome = await pipeline.RunAsync(new Downstream { Behaviour = n => throw new HttpRequestException($"attempt {n}") });

        Assert.Equal([(0, "attempt 1"), (1, "attempt 2")], seen);
        Assert.Equal("attempt 3", outcome.Exception?.Message);
    }

    [Fact]
    public async Task Telemetry_EveryFailedAttempt_IsReported()
    {
        var listener = new RecordingListener();
        var pipeline = new ResiliencePipelineBuilder<int> { TimeProvider = _time, TelemetryListener = listener }
            .AddAttemptAwareRetryAndCircuitBreaker(ComposedPipelines.Retry(maxRetries: 2, delaySeconds: 0), ComposedPipelines.Breaker(10))
            .Build();

        await pipeline.RunAsync(new Downstream { Behaviour = n => throw new HttpRequestException($"attempt {n}") });

        var failures = listener.Events.Where(e => e.Name == BreakerTelemetry.OnAttemptFailed).ToArray();
        Assert.Equal(["attempt 1", "attempt 2", "attempt 3"], failures.Select(e => e.Exception?.Message));
        Assert.Equal([0, 1, 2], failures.Select(e => ((AttemptFailedArguments)e.Arguments!).AttemptNumber));
    }

    [Fact]
    public async Task Cancellation_DuringRetryDelay_EndsOperationWithCancellation()
    {
        var pipeline = ComposedPipelines.Build(_time, ComposedPipelines.Retry(delaySeconds: 10), ComposedPipelines.Breaker(10, _provider));
        using var cts = new CancellationTokenSource();
        var running = pipeline.RunAsync(Downstream.Answering(503), cts.Token);

        await cts.CancelAsync();
        var outcome = await running.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        Assert.IsAssignableFrom<OperationCanceledException>(outcome.Exception);
        Assert.Equal(1, _provider.GetSnapshot().TotalAttempts.Total);
    }

    [Fact]
    public async Task Cancellation_BeforeAttempt_DownstreamNotCalledAndNothingCounted()
    {
        var pipeline = ComposedPipelines.Build(_time, ComposedPipelines.Retry(), ComposedPipelines.Breaker(10, _provider));
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        var downstream = new Downstream();

        var outcome = await pipeline.RunAsync(downstream, cts.Token);

        Assert.IsAssignableFrom<OperationCanceledException>(outcome.Exception);
        Assert.Equal(0, downstream.Calls);
        Assert.Equal(0, _provider.GetSnapshot().TotalAttempts.Failures);
    }

    [Fact]
    public async Task DelayGenerator_ReturnsValue_OverridesBackoffAndIsCappedByMaxDelay()
    {
        var delays = new List<TimeSpan>();
        var retry = ComposedPipelines.Retry(maxRetries: 2);
        retry.DelayGenerator = args => new(TimeSpan.FromSeconds(args.AttemptNumber == 0 ? 3 : 30));
        retry.MaxDelay = TimeSpan.FromSeconds(10);
        retry.OnRetry = args =>
        {
            delays.Add(args.RetryDelay);
            return default;
        };
        var pipeline = ComposedPipelines.Build(_time, retry, ComposedPipelines.Breaker(10));

        await _time.RunAsync(pipeline.RunAsync(Downstream.Answering(503)), Step);

        Assert.Equal([TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(10)], delays);
    }

    [Fact]
    public async Task Retry_SucceedsOnThirdAttempt_ReturnsSuccessAndDisposesEarlierResults()
    {
        var results = new List<DisposableResult>();
        var pipeline = new ResiliencePipelineBuilder<DisposableResult> { TimeProvider = _time }
            .AddAttemptAwareRetryAndCircuitBreaker(
                new AttemptAwareRetryStrategyOptions<DisposableResult> { Delay = TimeSpan.Zero },
                new AttemptAwareCircuitBreakerStrategyOptions<DisposableResult>
                {
                    Classifier = args => new(args.Outcome.Result!.Ok ? OutcomeClass.Success : OutcomeClass.TransientFailure),
                })
            .Build();

        var final = await pipeline.ExecuteAsync(_ =>
        {
            var result = new DisposableResult(results.Count == 2);
            results.Add(result);
            return new ValueTask<DisposableResult>(result);
        }, TestContext.Current.CancellationToken);

        Assert.True(final.Ok);
        Assert.Equal([true, true, false], results.Select(r => r.Disposed));
    }

    [Fact]
    public void AddAttemptAwareRetryAndCircuitBreaker_NonGenericSyncCallback_RetriesTransientFailures()
    {
        var calls = 0;
        var pipeline = new ResiliencePipelineBuilder { TimeProvider = _time }
            .AddAttemptAwareRetryAndCircuitBreaker(
                new AttemptAwareRetryStrategyOptions { Delay = TimeSpan.Zero },
                new AttemptAwareCircuitBreakerStrategyOptions())
            .Build();

        var result = pipeline.Execute(() => ++calls < 3 ? throw new TimeoutException() : calls);

        Assert.Equal(3, result);
    }

    [Fact]
    public async Task ShouldRetry_ReturnsFalse_OperationEndsAfterOneAttemptThatTheBreakerCounted()
    {
        var retry = ComposedPipelines.Retry();
        retry.ShouldRetry = _ => new(false);
        var pipeline = ComposedPipelines.Build(_time, retry, ComposedPipelines.Breaker(5, _provider));
        var downstream = Downstream.Answering(503);

        var outcome = await pipeline.RunAsync(downstream);

        Assert.Equal(503, outcome.Result);
        Assert.Equal(1, downstream.Calls);
        Assert.Equal(1, _provider.GetSnapshot().TotalAttempts.TransientFailures);
    }

    [Fact]
    public async Task ShouldRetry_ReceivesTheFailedAttemptNumber_RetriesWhileItReturnsTrue()
    {
        var seen = new List<int>();
        var retry = ComposedPipelines.Retry(maxRetries: 5);
        retry.ShouldRetry = args =>
        {
            seen.Add(args.AttemptNumber);
            return new(args.AttemptNumber < 1);
        };
        var pipeline = ComposedPipelines.Build(_time, retry, ComposedPipelines.Breaker(10, _provider));
        var downstream = Downstream.Answering(503);

        await _time.RunAsync(pipeline.RunAsync(downstream), Step);

        Assert.Equal([0, 1], seen);
        Assert.Equal(2, downstream.Calls);
    }

    [Fact]
    public async Task Retry_CircuitIsolatedDuringAttempt_EndsWithRejectionAndDisposesTheReplacedResult()
    {
        var control = new AttemptAwareCircuitBreakerManualControl();
        var results = new List<DisposableResult>();
        var pipeline = new ResiliencePipelineBuilder<DisposableResult> { TimeProvider = _time }
            .AddAttemptAwareRetryAndCircuitBreaker(
                new AttemptAwareRetryStrategyOptions<DisposableResult> { Delay = TimeSpan.FromSeconds(1) },
                new AttemptAwareCircuitBreakerStrategyOptions<DisposableResult>
                {
                    ManualControl = control,
                    Classifier = args => new(args.Outcome.Result!.Ok ? OutcomeClass.Success : OutcomeClass.TransientFailure),
                })
            .Build();

        var outcome = await pipeline.ExecuteOutcomeAsync(
            async (_, _) =>
            {
                await control.IsolateAsync();
                var result = new DisposableResult(ok: false);
                results.Add(result);
                return Outcome.FromResult(result);
            },
            ResilienceContextPool.Shared.Get(TestContext.Current.CancellationToken),
            0);

        Assert.IsType<IsolatedCircuitException>(outcome.Exception);
        Assert.True(Assert.Single(results).Disposed);
    }

    [Fact]
    public async Task RetryDelay_CircuitIsolatedDuringDelay_OperationEndsAtOnceWithIsolation()
    {
        var control = new AttemptAwareCircuitBreakerManualControl();
        var breaker = ComposedPipelines.Breaker(10, _provider);
        breaker.ManualControl = control;
        var pipeline = ComposedPipelines.Build(_time, ComposedPipelines.Retry(delaySeconds: 2), breaker);
        var sleeping = pipeline.RunAsync(Downstream.Answering(503));
        Assert.False(sleeping.IsCompleted);

        await control.IsolateAsync();
        var outcome = await sleeping.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        Assert.IsType<IsolatedCircuitException>(outcome.Exception);
    }

    [Fact]
    public async Task RetryDelay_AfterOpenCircuitClosedManually_DelayRunsItsFullLength()
    {
        var control = new AttemptAwareCircuitBreakerManualControl();
        var pipeline = ComposedPipelines.Build(_time, ComposedPipelines.Retry(delaySeconds: 2), new AttemptAwareCircuitBreakerStrategyOptions<int>
        {
            ConsecutiveFailureThreshold = 2,
            MinimumThroughput = int.MaxValue,
            Classifier = Breakers.StatusClassifier,
            StateProvider = _provider,
            ManualControl = control,
        });
        await _time.RunAsync(pipeline.RunAsync(Downstream.Answering(503)), Step);
        Assert.Equal(CircuitState.Open, _provider.CircuitState);
        await control.CloseAsync();

        await AssertRetriedAfterAsync(pipeline, TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task Misordering_StandaloneBreakerInsideComposedUnderPollyRetry_SecondOperationAttemptAllowed()
    {
        var noRetry = ComposedPipelines.Retry();
        noRetry.ShouldRetry = _ => new(false);
        var pipeline = new ResiliencePipelineBuilder<int> { TimeProvider = _time }
            .AddRetry(new RetryStrategyOptions<int> { Delay = TimeSpan.Zero, ShouldHandle = args => new(args.Outcome.Result == 503) })
            .AddAttemptAwareRetryAndCircuitBreaker(noRetry, ComposedPipelines.Breaker(10))
            .AddAttemptAwareCircuitBreaker(new AttemptAwareCircuitBreakerStrategyOptions<int>())
            .Build();
        var downstream = new Downstream
        {
            Behaviour = async n =>
            {
                await Task.Yield();
                return n == 1 ? 503 : 200;
            },
        };

        var outcome = await pipeline.RunAsync(downstream);

        Assert.Equal(200, outcome.Result);
    }

    [Fact]
    public async Task Retry_CircuitIsolatedDuringAttempt_RaisesNoRetry()
    {
        var control = new AttemptAwareCircuitBreakerManualControl();
        var retried = 0;
        var retry = ComposedPipelines.Retry(delaySeconds: 1);
        retry.OnRetry = _ =>
        {
            retried++;
            return default;
        };
        var breaker = ComposedPipelines.Breaker(10);
        breaker.ManualControl = control;
        var pipeline = ComposedPipelines.Build(_time, retry, breaker);

        await pipeline.RunAsync(new Downstream
        {
            Behaviour = async _ =>
            {
                await control.IsolateAsync();
                return 503;
            },
        });

        Assert.Equal(0, retried);
    }

    [Fact]
    public async Task Telemetry_Retry_ReportsOnRetryWithTheDelay()
    {
        var listener = new RecordingListener();
        var pipeline = new ResiliencePipelineBuilder<int> { TimeProvider = _time, TelemetryListener = listener }
            .AddAttemptAwareRetryAndCircuitBreaker(ComposedPipelines.Retry(maxRetries: 1, delaySeconds: 0), ComposedPipelines.Breaker(10))
            .Build();

        await pipeline.RunAsync(Downstream.Answering(503));

        var retry = Assert.Single(listener.Events, e => e.Name == "OnRetry");
        Assert.Equal(TimeSpan.Zero, Assert.IsType<OnRetryArguments<int>>(retry.Arguments).RetryDelay);
    }

    [Fact]
    public async Task Retry_AsyncDisposableResultReplaced_IsDisposedAsynchronously()
    {
        var results = new List<AsyncDisposableResult>();
        var pipeline = new ResiliencePipelineBuilder<AsyncDisposableResult> { TimeProvider = _time }
            .AddAttemptAwareRetryAndCircuitBreaker(
                new AttemptAwareRetryStrategyOptions<AsyncDisposableResult> { MaxRetryAttempts = 1, Delay = TimeSpan.Zero },
                new AttemptAwareCircuitBreakerStrategyOptions<AsyncDisposableResult>
                {
                    Classifier = args => new(args.Outcome.Result!.Ok ? OutcomeClass.Success : OutcomeClass.TransientFailure),
                })
            .Build();

        await pipeline.ExecuteAsync(
            _ =>
            {
                var result = new AsyncDisposableResult(ok: results.Count > 0);
                results.Add(result);
                return new ValueTask<AsyncDisposableResult>(result);
            },
            TestContext.Current.CancellationToken);

        Assert.Equal([true, false], results.Select(r => r.Disposed));
    }

    internal sealed class AsyncDisposableResult(bool ok) : IAsyncDisposable
    {
        public bool Ok { get; } = ok;

        public bool Disposed { get; private set; }

        public ValueTask DisposeAsync()
        {
            Disposed = true;
            return default;
        }
    }

    [Fact]
    public async Task Misordering_StandaloneBreakerInsideComposedUnderPollyRetry_SynchronousCallsAlsoAllowed()
    {
        var noRetry = ComposedPipelines.Retry();
        noRetry.ShouldRetry = _ => new(false);
        var pipeline = new ResiliencePipelineBuilder<int> { TimeProvider = _time }
            .AddRetry(new RetryStrategyOptions<int> { Delay = TimeSpan.Zero, ShouldHandle = args => new(args.Outcome.Result == 503) })
            .AddAttemptAwareRetryAndCircuitBreaker(noRetry, ComposedPipelines.Breaker(10))
            .AddAttemptAwareCircuitBreaker(new AttemptAwareCircuitBreakerStrategyOptions<int>())
            .Build();

        var outcome = await pipeline.RunAsync(new Downstream { Behaviour = n => new(n == 1 ? 503 : 200) });

        Assert.Equal(200, outcome.Result);
    }

    [Fact]
    public async Task Telemetry_RejectedAttempt_ReportedWithZeroDuration()
    {
        var listener = new RecordingListener();
        var control = new AttemptAwareCircuitBreakerManualControl(isIsolated: true);
        var breaker = ComposedPipelines.Breaker(10);
        breaker.ManualControl = control;
        var pipeline = new ResiliencePipelineBuilder<int> { TimeProvider = _time, TelemetryListener = listener }
            .AddAttemptAwareRetryAndCircuitBreaker(ComposedPipelines.Retry(), breaker)
            .Build();

        await pipeline.RunAsync(new Downstream());

        var attempt = Assert.Single(listener.Events, e => e.Name == "ExecutionAttempt");
        Assert.Equal(TimeSpan.Zero, Assert.IsType<Polly.Telemetry.ExecutionAttemptArguments>(attempt.Arguments).Duration);
    }

    [Fact]
    public async Task RetryDelay_ServerAskedForADelay_WaitsThatLong()
    {
        await AssertRetriedAfterAsync(WithServerDelay(TimeSpan.FromSeconds(3)), TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task RetryDelay_ServerDelayNegative_ConfiguredDelayApplies()
    {
        await AssertRetriedAfterAsync(WithServerDelay(TimeSpan.FromSeconds(-1)), TimeSpan.FromSeconds(1));
    }

    /// <summary>Runs an operation whose first attempt fails and asserts its retry starts exactly <paramref name="delay"/> later.</summary>
    private async Task AssertRetriedAfterAsync(ResiliencePipeline<int> pipeline, TimeSpan delay)
    {
        var running = pipeline.RunAsync(new Downstream { Behaviour = n => new(n == 1 ? 503 : 200) });
        _time.Advance(delay - TimeSpan.FromMilliseconds(100));
        Assert.False(running.IsCompleted);

        _time.Advance(TimeSpan.FromMilliseconds(100));

        Assert.Equal(200, (await running.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken)).Result);
    }

    private ResiliencePipeline<int> WithServerDelay(TimeSpan requested)
    {
        var retry = ComposedPipelines.Retry(maxRetries: 1, delaySeconds: 1);
        var breaker = ComposedPipelines.Breaker(10);
        Func<StrategyBuilderContext, ResilienceStrategy<int>> strategy
            = context => new Polly.AttemptAwareBreaker.Retry.AttemptAwareRetryResilienceStrategy<int>(retry, breaker, context, (_, _) => requested);
        return new ResiliencePipelineBuilder<int> { TimeProvider = _time }.AddStrategy(strategy, breaker).Build();
    }

    internal sealed class DisposableResult(bool ok) : IDisposable
    {
        public bool Ok { get; } = ok;

        public bool Disposed { get; private set; }

        public void Dispose() => Disposed = true;
    }
}

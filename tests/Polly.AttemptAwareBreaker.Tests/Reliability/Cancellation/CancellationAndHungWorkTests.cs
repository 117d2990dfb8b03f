using Polly.AttemptAwareBreaker.Tests.TestUtilities;

namespace Polly.AttemptAwareBreaker.Tests.Reliability.Cancellation;

/// <summary>
/// Cancellation at every await point of the composed retry + breaker, and callbacks that throw or block: the state machine stays
/// consistent and the caller gets a clear outcome. (A cancelled or hung half-open probe: see HalfOpenStateTests.)
/// </summary>
public class CancellationAndHungWorkTests
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(100);
    private readonly FakeTimeProvider _time = new();
    private readonly AttemptAwareCircuitBreakerStateProvider _state = new();

    [Fact]
    public async Task Cancellation_BeforeTheAttempt_DownstreamNotCalledAndNothingCountsAgainstIt()
    {
        var pipeline = Pipeline();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        var downstream = Downstream.Answering(200);

        var outcome = await pipeline.RunAsync(downstream, cancelled.Token);

        Assert.IsAssignableFrom<OperationCanceledException>(outcome.Exception);
        Assert.Equal(0, downstream.Calls);
        Assert.Equal(0, _state.GetSnapshot().TotalAttempts.Failures);
    }

    [Fact]
    public async Task Cancellation_DuringTheAttempt_IsIgnoredAndNotRetried()
    {
        var pipeline = Pipeline();
        using var cancel = new CancellationTokenSource();
        var downstream = new Downstream
        {
            Behaviour = _ =>
            {
                cancel.Cancel();
                throw new OperationCanceledException(cancel.Token);
            },
        };

        var outcome = await pipeline.RunAsync(downstream, cancel.Token);

        Assert.IsAssignableFrom<OperationCanceledException>(outcome.Exception);
        Assert.Equal(1, downstream.Calls);
        Assert.Equal(1, _state.GetSnapshot().TotalAttempts.Ignored);
        Assert.Equal(0, _state.GetSnapshot().ConsecutiveFailures);
    }

    [Fact]
    public async Task Cancellation_DuringTheRetryDelay_EndsAtOnceWithoutAnotherAttempt()
    {
        var pipeline = Pipeline(breaker: o => o.ConsecutiveFailureThreshold = 10);
        using var cancel = new CancellationTokenSource();
        var downstream = Downstream.Answering(503);
        var running = pipeline.RunAsync(downstream, cancel.Token);
        Assert.False(running.IsCompleted);

        await cancel.CancelAsync();
        var outcome = await running.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        _time.Advance(TimeSpan.FromSeconds(10));

        Assert.IsAssignableFrom<OperationCanceledException>(outcome.Exception);
        Assert.Equal(1, downstream.Calls);
        Assert.Equal(1, _state.GetSnapshot().TotalAttempts.TransientFailures);
    }

    [Fact]
    public async Task OnOpened_Throws_CircuitIsStillOpenAndTheNextCallIsRejected()
    {
        var pipeline = Pipeline(breaker: o => o.OnOpened = _ => throw new InvalidOperationException("callback failed"));

        var opening = await CaptureAsync(() => _time.RunAsync(pipeline.RunAsync(Downstream.Answering(503)), Step));
        var next = await pipeline.RunAsync(Downstream.Answering(200));

        Assert.Equal("callback failed", opening.Message);
        Assert.Equal(CircuitState.Open, _state.CircuitState);
        Assert.IsType<BrokenCircuitException>(next.Exception);
    }

    [Fact]
    public async Task OnOpened_Blocks_OtherCallersAreRejectedMeanwhile()
    {
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var pipeline = Pipeline(breaker: o => o.OnOpened = _ => new ValueTask(hold.Task));
        var opening = pipeline.RunAsync(Downstream.Answering(503));

        var other = await pipeline.RunAsync(Downstream.Answering(200));

        Assert.Equal(CircuitState.Open, _state.CircuitState);
        Assert.False(opening.IsCompleted);
        Assert.IsType<BrokenCircuitException>(other.Exception);
        hold.SetResult();
        await opening;
    }

    [Fact]
    public async Task OnRetry_Throws_CallerGetsThatErrorAndTheAttemptIsCounted()
    {
        var pipeline = Pipeline(
            retry: o => o.OnRetry = _ => throw new InvalidOperationException("retry callback failed"),
            breaker: o => o.ConsecutiveFailureThreshold = 10);
        var downstream = Downstream.Answering(503);

        var error = await CaptureAsync(() => pipeline.RunAsync(downstream));

        Assert.Equal("retry callback failed", error.Message);
        Assert.Equal(1, downstream.Calls);
        Assert.Equal(1, _state.GetSnapshot().TotalAttempts.TransientFailures);
    }

    [Fact]
    public async Task Classifier_Blocks_OtherCallersAreNotHeldUp()
    {
        var hold = new TaskCompletionSource<OutcomeClass>(TaskCreationOptions.RunContinuationsAsynchronously);
        var pipeline = Pipeline(breaker: o => o.Classifier = args => args.Outcome.Result == 418 ? new(hold.Task) : Breakers.StatusClassifier(args));
        var blocked = pipeline.RunAsync(Downstream.Answering(418));

        var other = await pipeline.RunAsync(Downstream.Answering(200));

        Assert.Equal(200, other.Result);
        Assert.False(blocked.IsCompleted);
        hold.SetResult(OutcomeClass.Ignored);
        Assert.Equal(418, (await blocked).Result);
    }

    private static async Task<Exception> CaptureAsync(Func<Task<Outcome<int>>> run)
    {
        try
        {
            var outcome = await run();
            return outcome.Exception ?? throw new InvalidOperationException($"Expected an error, got {outcome}.");
        }
        catch (InvalidOperationException ex)
        {
            return ex;
        }
    }

    private ResiliencePipeline<int> Pipeline(
        Action<AttemptAwareRetryStrategyOptions<int>>? retry = null,
        Action<AttemptAwareCircuitBreakerStrategyOptions<int>>? breaker = null)
    {
        var retryOptions = new AttemptAwareRetryStrategyOptions<int> { MaxRetryAttempts = 2, Delay = TimeSpan.FromSeconds(2), RetryBudget = null };
        retry?.Invoke(retryOptions);
        var breakerOptions = new AttemptAwareCircuitBreakerStrategyOptions<int>
        {
            ConsecutiveFailureThreshold = 1,
            MinimumThroughput = int.MaxValue,
            Classifier = Breakers.StatusClassifier,
            StateProvider = _state,
        };
        breaker?.Invoke(breakerOptions);
        return new ResiliencePipelineBuilder<int> { TimeProvider = _time }.AddAttemptAwareRetryAndCircuitBreaker(retryOptions, breakerOptions).Build();
    }
}

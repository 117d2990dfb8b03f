using Polly.AttemptAwareBreaker.Tests.TestUtilities;

namespace Polly.AttemptAwareBreaker.Tests.Retry.ComposedRetryBreaker;

/// <summary>Retrying: the result of the last attempt, and the disposal of the results it replaces.</summary>
public class RetryTests : ComposedRetryBreakerTestBase
{
    [Fact]
    public async Task Retry_SucceedsOnThirdAttempt_ReturnsSuccessAndDisposesEarlierResults()
    {
        var results = new List<DisposableResult>();
        var pipeline = new ResiliencePipelineBuilder<DisposableResult> { TimeProvider = Time }
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
    public async Task Retry_CircuitIsolatedDuringAttempt_EndsWithRejectionAndDisposesTheReplacedResult()
    {
        var control = new AttemptAwareCircuitBreakerManualControl();
        var results = new List<DisposableResult>();
        var pipeline = new ResiliencePipelineBuilder<DisposableResult> { TimeProvider = Time }
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
        var pipeline = ComposedPipelines.Build(Time, retry, breaker);

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
    public async Task Retry_AsyncDisposableResultReplaced_IsDisposedAsynchronously()
    {
        var results = new List<AsyncDisposableResult>();
        var pipeline = new ResiliencePipelineBuilder<AsyncDisposableResult> { TimeProvider = Time }
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

    internal sealed class DisposableResult(bool ok) : IDisposable
    {
        public bool Ok { get; } = ok;

        public bool Disposed { get; private set; }

        public void Dispose() => Disposed = true;
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
}

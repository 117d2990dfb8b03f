using Polly.AttemptAwareBreaker.Retry;
using Polly.AttemptAwareBreaker.Tests.TestUtilities;
using Polly.Retry;

namespace Polly.AttemptAwareBreaker.Tests.Retry.ComposedRetryBreaker;

/// <summary>
/// The retry predicate that replaces "classified as a transient failure" (the HTTP package's <c>Retry.ShouldHandle</c>), through the
/// strategy's constructor.
/// </summary>
public class RetryOutcomePredicateTests : ComposedRetryBreakerTestBase
{
    [Fact]
    public async Task RetryOutcomePredicate_ReturnsFalse_EndsWithTheTransientFailureUnretried()
    {
        var pipeline = Build<int>(_ => new(false), ComposedPipelines.Breaker(10));
        var downstream = Downstream.Answering(503);

        var outcome = await Time.RunAsync(pipeline.RunAsync(downstream), Step);

        Assert.Equal((503, 1), (outcome.Result, downstream.Calls));
    }

    [Fact]
    public async Task RetryOutcomePredicate_TrueForAPermanentFailure_RetriesIt()
    {
        var pipeline = Build<int>(args => new(args.Outcome.Result == 501), ComposedPipelines.Breaker(10));
        var downstream = new Downstream { Behaviour = n => new(n == 1 ? 501 : 200) };

        var outcome = await Time.RunAsync(pipeline.RunAsync(downstream), Step);

        Assert.Equal((200, 2), (outcome.Result, downstream.Calls));
    }

    [Fact]
    public async Task RetryOutcomePredicate_Throws_FailsTheCallWithItsExceptionAfterOneAttempt()
    {
        var error = new InvalidOperationException("predicate failed");
        var pipeline = Build<Response>(_ => throw error, TransientBreaker());
        var calls = 0;

        var outcome = await Time.RunAsync(Execute(pipeline, () => { calls++; return new Response(); }), Step);

        Assert.Same(error, outcome.Exception);
        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task RetryOutcomePredicate_Throws_DisposesTheAttemptsResult()
    {
        var pipeline = Build<Response>(_ => throw new InvalidOperationException("predicate failed"), TransientBreaker());
        var response = new Response();

        await Time.RunAsync(Execute(pipeline, () => response), Step);

        Assert.True(response.Disposed);
    }

    private ResiliencePipeline<T> Build<T>(Func<RetryPredicateArguments<T>, ValueTask<bool>> predicate, AttemptAwareCircuitBreakerStrategyOptions<T> breaker)
    {
        var retry = new AttemptAwareRetryStrategyOptions<T> { MaxRetryAttempts = 2, Delay = TimeSpan.FromSeconds(1) };
        return new ResiliencePipelineBuilder<T> { TimeProvider = Time }
            .AddStrategy(context => new AttemptAwareRetryResilienceStrategy<T>(retry, breaker, context, shouldRetryOutcome: predicate), breaker)
            .Build();
    }

    private static AttemptAwareCircuitBreakerStrategyOptions<Response> TransientBreaker() => new()
    {
        ConsecutiveFailureThreshold = 10,
        MinimumThroughput = int.MaxValue,
        Classifier = _ => new(OutcomeClass.TransientFailure),
    };

    private static async Task<Outcome<Response>> Execute(ResiliencePipeline<Response> pipeline, Func<Response> downstream)
    {
        var context = ResilienceContextPool.Shared.Get();
        try
        {
            return await pipeline.ExecuteOutcomeAsync(static (_, d) => new ValueTask<Outcome<Response>>(Outcome.FromResult(d())), context, downstream);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private sealed class Response : IDisposable
    {
        public bool Disposed { get; private set; }

        public void Dispose() => Disposed = true;
    }
}

using System.Net;

namespace Polly.AttemptAwareBreaker.Http.Tests.TestUtilities;

/// <summary>
/// The composed HTTP retry + breaker on a fake clock in front of a scripted downstream: each attempt's answer comes from a function of
/// its number, and the breaker's counts are read through its state provider. Retries have no delay and no budget, so only the
/// classification and the predicates decide.
/// </summary>
internal sealed class ScriptedPipeline
{
    public FakeTimeProvider Time { get; } = new();

    public AttemptAwareCircuitBreakerStateProvider State { get; } = new();

    public HttpAttemptAwareRetryStrategyOptions Retry { get; } = new() { Delay = TimeSpan.Zero, UseJitter = false, RetryBudget = null, MaxRetryAttempts = 2 };

    public HttpAttemptAwareCircuitBreakerStrategyOptions CircuitBreaker { get; } = new() { ConsecutiveFailureThreshold = 100, MinimumThroughput = 1000 };

    /// <summary>Gets the number of attempts that reached the downstream.</summary>
    public int Attempts { get; private set; }

    public CircuitSnapshot Snapshot => State.GetSnapshot();

    public ResiliencePipeline<HttpResponseMessage> Build()
    {
        CircuitBreaker.StateProvider = State;
        return new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = Time }
            .AddAttemptAwareRetryAndCircuitBreaker(Retry, CircuitBreaker)
            .Build();
    }

    public ResiliencePipeline<HttpResponseMessage> BuildBreakerOnly()
    {
        CircuitBreaker.StateProvider = State;
        return new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = Time }
            .AddAttemptAwareCircuitBreaker(CircuitBreaker)
            .Build();
    }

    /// <summary>Sends one request whose every attempt is answered <paramref name="status"/>.</summary>
    public Task<Outcome<HttpResponseMessage>> SendAsync(ResiliencePipeline<HttpResponseMessage> pipeline, HttpStatusCode status, HttpMethod? method = null)
        => SendAsync(pipeline, _ => status, method);

    /// <summary>Sends one request whose n-th attempt (0-based) is answered <paramref name="answer"/>(n).</summary>
    public async Task<Outcome<HttpResponseMessage>> SendAsync(
        ResiliencePipeline<HttpResponseMessage> pipeline,
        Func<int, HttpStatusCode> answer,
        HttpMethod? method = null,
        CancellationToken cancellationToken = default)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        try
        {
            var attempt = 0;
            return await pipeline.ExecuteOutcomeAsync<HttpResponseMessage, int>(
                (_, _) =>
                {
                    Attempts++;
                    var request = new HttpRequestMessage(method ?? HttpMethod.Get, "http://downstream/");
                    return new(Outcome.FromResult(new HttpResponseMessage(answer(attempt++)) { RequestMessage = request }));
                },
                context,
                0);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }
}

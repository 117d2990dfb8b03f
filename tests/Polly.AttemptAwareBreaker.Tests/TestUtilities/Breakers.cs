namespace Polly.AttemptAwareBreaker.Tests.TestUtilities;

/// <summary>
/// Builds pipelines with the attempt-aware breaker under a fake clock.
/// </summary>
internal static class Breakers
{
    public static readonly TimeSpan Break = TimeSpan.FromSeconds(5);

    /// <summary>Options with the failure-ratio rule out of the way, so only the rule under test decides.</summary>
    public static AttemptAwareCircuitBreakerStrategyOptions<int> Consecutive(int threshold, AttemptAwareCircuitBreakerStateProvider? provider = null) => new()
    {
        ConsecutiveFailureThreshold = threshold,
        MinimumThroughput = int.MaxValue,
        BreakDuration = Break,
        StateProvider = provider,
    };

    public static ResiliencePipeline<int> Build(AttemptAwareCircuitBreakerStrategyOptions<int> options, FakeTimeProvider time)
        => new ResiliencePipelineBuilder<int> { TimeProvider = time }.AddAttemptAwareCircuitBreaker(options).Build();

    /// <summary>Classifies HTTP-like status codes: 2xx success, 5xx transient, 501 permanent, other 4xx ignored.</summary>
    public static ValueTask<OutcomeClass> StatusClassifier(OutcomeClassifierArguments<int> args)
    {
        if (args.Outcome.Exception is { } ex)
        {
            return new(OutcomeClassifiers.IsCallerCancellation(ex, args.Context) ? OutcomeClass.Ignored : OutcomeClass.TransientFailure);
        }

        return new(args.Outcome.Result switch
        {
            < 400 => OutcomeClass.Success,
            501 => OutcomeClass.PermanentFailure,
            >= 500 => OutcomeClass.TransientFailure,
            _ => OutcomeClass.Ignored,
        });
    }

    public static async Task<Outcome<int>> RunAsync(this ResiliencePipeline<int> pipeline, Downstream downstream, CancellationToken token = default)
    {
        var context = ResilienceContextPool.Shared.Get(token);
        try
        {
            return await pipeline.ExecuteOutcomeAsync(
                static async (_, d) => Outcome.FromResult(await d.CallAsync()),
                context,
                downstream);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }
}

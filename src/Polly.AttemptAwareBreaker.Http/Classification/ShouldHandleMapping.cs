using Polly.Retry;

namespace Polly.AttemptAwareBreaker.Http;

/// <summary>
/// Applies the <c>ShouldHandle</c> predicates of the HTTP options (Microsoft's shape) to the composed retry + breaker, which otherwise
/// takes both decisions from one classifier: the breaker's predicate decides what is counted, the retry's what is retried, and a
/// predicate left unset leaves its decision to the classifier.
/// </summary>
internal static class ShouldHandleMapping
{
    /// <summary>
    /// Returns the breaker options to run: these options when their <c>ShouldHandle</c> is unset, otherwise a copy whose classifier
    /// makes handled outcomes failures, the caller's own cancellation ignored and everything else a success.
    /// </summary>
    /// <remarks>Also wires <see cref="HttpAttemptAwareCircuitBreakerStrategyOptions.BreakOnRetryAfter"/>, so every HTTP breaker runs the same options.</remarks>
    public static HttpAttemptAwareCircuitBreakerStrategyOptions Breaker(HttpAttemptAwareCircuitBreakerStrategyOptions options)
    {
        var running = options.WithRetryAfterBreaks();
        return running.ShouldHandle is { } shouldHandle ? running.WithClassifier(OutcomeClassifiers.FromShouldHandle(shouldHandle)) : running;
    }

    /// <summary>
    /// Returns what decides retries in place of the breaker's class: the retry's <c>ShouldHandle</c> when set; when only the breaker's
    /// is set, the classifier's own verdict (transient failures are retried, whatever the breaker counted); <see langword="null"/> when
    /// neither is set, so the breaker's class decides as it always did.
    /// </summary>
    public static Func<RetryPredicateArguments<HttpResponseMessage>, ValueTask<bool>>? Retry(
        HttpAttemptAwareRetryStrategyOptions retry,
        HttpAttemptAwareCircuitBreakerStrategyOptions breaker)
    {
        if (retry.ShouldHandle is { } shouldHandle)
        {
            return shouldHandle;
        }

        if (breaker.ShouldHandle is null)
        {
            return null;
        }

        var classifier = breaker.Classifier;
        return args =>
        {
            var pending = classifier(new OutcomeClassifierArguments<HttpResponseMessage>(args.Context, args.Outcome, args.AttemptNumber));
            return pending.IsCompletedSuccessfully ? new(pending.Result == OutcomeClass.TransientFailure) : IsTransientAsync(pending);
        };

        static async ValueTask<bool> IsTransientAsync(ValueTask<OutcomeClass> pending)
            => await pending.ConfigureAwait(false) == OutcomeClass.TransientFailure;
    }
}

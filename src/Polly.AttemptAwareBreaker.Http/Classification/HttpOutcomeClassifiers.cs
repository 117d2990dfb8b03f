using System.Net;
using Polly.Timeout;

namespace Polly.AttemptAwareBreaker.Http;

/// <summary>
/// Classifies the outcomes of HTTP attempts for the attempt-aware circuit breaker and retry.
/// </summary>
/// <remarks>
/// <para>The default rules:</para>
/// <list type="bullet">
/// <item><description>408, 429 and every 5xx except 501 and 505, <see cref="HttpRequestException"/>, <see cref="TimeoutRejectedException"/> and a
/// timeout the caller did not ask for: <see cref="OutcomeClass.TransientFailure"/> (counted, retried).</description></item>
/// <item><description>501 Not Implemented and 505 HTTP Version Not Supported: <see cref="OutcomeClass.PermanentFailure"/> (counted, never retried:
/// sending the same request again gets the same answer).</description></item>
/// <item><description>Every other 4xx, the caller's own cancellation and any other exception (a fault of the calling code):
/// <see cref="OutcomeClass.Ignored"/> (neither counted nor retried: it says nothing about the downstream's health).</description></item>
/// <item><description>Everything else (1xx, 2xx, 3xx): <see cref="OutcomeClass.Success"/>.</description></item>
/// <item><description>An <see cref="HttpRequestException"/> that carries a status code (as <c>EnsureSuccessStatusCode</c> throws) is classified by
/// that status code.</description></item>
/// </list>
/// </remarks>
public static class HttpOutcomeClassifiers
{
    /// <summary>
    /// The default HTTP classifier, suitable for <see cref="AttemptAwareCircuitBreakerStrategyOptions{TResult}.Classifier"/>.
    /// </summary>
    /// <param name="args">The attempt's outcome and context.</param>
    /// <returns>The class of the outcome.</returns>
    [IgnoresDuration]
    public static ValueTask<OutcomeClass> Default(OutcomeClassifierArguments<HttpResponseMessage> args)
        => new(Classify(args.Outcome, args.Context));

    /// <summary>
    /// Creates a classifier that asks <paramref name="overrides"/> first and falls back to the default rules when it returns
    /// <see langword="null"/>, for example to treat 404 from a particular API as a failure.
    /// </summary>
    /// <param name="overrides">Returns the class for the outcomes it wants to decide, <see langword="null"/> for the rest.</param>
    /// <returns>A classifier for <see cref="AttemptAwareCircuitBreakerStrategyOptions{TResult}.Classifier"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="overrides"/> is <see langword="null"/>.</exception>
    public static Func<OutcomeClassifierArguments<HttpResponseMessage>, ValueTask<OutcomeClass>> WithOverrides(
        Func<Outcome<HttpResponseMessage>, OutcomeClass?> overrides)
    {
        Guard.NotNull(overrides);
        return [IgnoresDuration] (args) => new(overrides(args.Outcome) ?? Classify(args.Outcome, args.Context));
    }

    /// <summary>
    /// Classifies a response status code by the default rules.
    /// </summary>
    /// <param name="statusCode">The status code.</param>
    /// <returns>The class of a response with that status code.</returns>
    public static OutcomeClass ClassifyStatusCode(HttpStatusCode statusCode) => (int)statusCode switch
    {
        501 or 505 => OutcomeClass.PermanentFailure,
        408 or 429 or (>= 500 and <= 599) => OutcomeClass.TransientFailure,
        >= 400 and <= 499 => OutcomeClass.Ignored,
        _ => OutcomeClass.Success,
    };

    private static OutcomeClass Classify(Outcome<HttpResponseMessage> outcome, ResilienceContext context)
    {
        if (outcome.Exception is { } exception)
        {
            return exception switch
            {
                _ when OutcomeClassifiers.IsCallerCancellation(exception, context) => OutcomeClass.Ignored,
                HttpRequestException { StatusCode: { } status } => ClassifyStatusCode(status) is var byStatus && byStatus == OutcomeClass.Success
                    ? OutcomeClass.TransientFailure
                    : byStatus,
                HttpRequestException or TimeoutRejectedException or OperationCanceledException => OutcomeClass.TransientFailure,
                _ => OutcomeClass.Ignored,
            };
        }

        return outcome.Result is { } response ? ClassifyStatusCode(response.StatusCode) : OutcomeClass.Ignored;
    }
}

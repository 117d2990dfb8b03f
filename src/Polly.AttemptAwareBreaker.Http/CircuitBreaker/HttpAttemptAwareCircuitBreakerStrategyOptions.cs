namespace Polly.AttemptAwareBreaker.Http;

/// <summary>
/// Attempt-aware circuit breaker options for HTTP, with <see cref="HttpOutcomeClassifiers.Default"/> as the classifier and thresholds
/// chosen so that a downstream in a hard outage sees at most 10 requests before callers are rejected, while random transient
/// failures at the rates healthy services show (10 %) never open the circuit.
/// </summary>
/// <remarks>
/// <para>Why these defaults (Microsoft's standard handler uses ratio 0.1, 100 calls minimum):</para>
/// <list type="bullet">
/// <item><description><see cref="AttemptAwareCircuitBreakerStrategyOptions{TResult}.ConsecutiveFailureThreshold"/> = 10: a hard outage opens the
/// circuit at its 10th failed attempt whatever the traffic, while 10 failures in a row from a downstream with 10 % random failures
/// happen with probability 10<sup>-10</sup> per attempt.</description></item>
/// <item><description><see cref="AttemptAwareCircuitBreakerStrategyOptions{TResult}.FailureRatio"/> = 0.5 with
/// <see cref="AttemptAwareCircuitBreakerStrategyOptions{TResult}.MinimumThroughput"/> = 10 over 30 seconds: a downstream that fails half of
/// its attempts opens the circuit even when successes are interleaved; 10 % noise sits far below the ratio, so it never trips it.</description></item>
/// <item><description><see cref="AttemptAwareCircuitBreakerStrategyOptions{TResult}.BreakDuration"/> = 5 seconds and one half-open probe, as
/// Microsoft's handler.</description></item>
/// </list>
/// <para>Requests already in flight when the circuit opens still complete, so with many concurrent callers a few more than 10 requests can
/// reach the downstream; no new one is admitted after the opening.</para>
/// </remarks>
public class HttpAttemptAwareCircuitBreakerStrategyOptions : AttemptAwareCircuitBreakerStrategyOptions<HttpResponseMessage>
{
    /// <summary>
    /// Initializes a new instance of the <see cref="HttpAttemptAwareCircuitBreakerStrategyOptions"/> class with the HTTP defaults.
    /// </summary>
    public HttpAttemptAwareCircuitBreakerStrategyOptions()
    {
        FailureRatio = 0.5;
        MinimumThroughput = 10;
        ConsecutiveFailureThreshold = 10;
        Classifier = HttpOutcomeClassifiers.Default;
    }
}

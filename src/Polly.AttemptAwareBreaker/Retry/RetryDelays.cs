namespace Polly.AttemptAwareBreaker.Retry;

/// <summary>
/// Computes back-off delays: constant, linear (base × (n + 1)) or exponential (base × 2ⁿ), optionally jittered, capped by MaxDelay.
/// </summary>
internal static class RetryDelays
{
    public static TimeSpan Compute(DelayBackoffType type, bool jitter, int attemptNumber, TimeSpan baseDelay, TimeSpan? maxDelay, Func<double> randomizer)
    {
        var cap = maxDelay ?? TimeSpan.MaxValue;
        var baseMs = baseDelay.TotalMilliseconds;
        var ms = type switch
        {
            DelayBackoffType.Linear => baseMs * (attemptNumber + 1.0),
            DelayBackoffType.Exponential => baseMs * Math.Pow(2, attemptNumber),
            _ => baseMs,
        };

        if (jitter)
        {
            // Spread retries of many callers: ±25 % around the delay, so a fleet that failed together does not retry together.
            ms *= 0.75 + (0.5 * randomizer());
        }

        if (double.IsNaN(ms) || ms >= cap.TotalMilliseconds)
        {
            return cap;
        }

        return TimeSpan.FromTicks((long)(ms * TimeSpan.TicksPerMillisecond));
    }
}

using Polly.AttemptAwareBreaker.CircuitBreaker.Controller;

namespace Polly.AttemptAwareBreaker.CircuitBreaker.Rules;

/// <summary>Builds the trip rules a breaker's settings switch on, in the order they are evaluated.</summary>
internal static class TripRules
{
    /// <summary>Creates the rules of <paramref name="settings"/>.</summary>
    /// <param name="settings">The breaker's settings.</param>
    /// <returns>The rules, the first to trip deciding.</returns>
    public static ITripRule[] Create(BreakerSettings settings)
    {
        var rules = new List<ITripRule>(4);
        if (settings.ConsecutiveFailureThreshold is { } threshold)
        {
            rules.Add(new ConsecutiveFailuresRule(threshold));
        }

        rules.Add(new FailureRatioRule(settings.FailureRatio, settings.MinimumThroughput));
        if (settings.RecoveryRampDuration is not null)
        {
            rules.Add(new RecoveryRampRule(settings.FailureRatio, settings.MinimumThroughput));
        }

        if (settings.SlowAttemptThreshold is not null)
        {
            rules.Add(new SlowAttemptsRule(settings.SlowAttemptRatio, settings.MinimumThroughput));
        }

        return [.. rules];
    }
}

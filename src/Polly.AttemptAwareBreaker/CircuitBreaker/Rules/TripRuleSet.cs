using Polly.AttemptAwareBreaker.CircuitBreaker.Controller;
using Polly.AttemptAwareBreaker.CircuitBreaker.Health;

namespace Polly.AttemptAwareBreaker.CircuitBreaker.Rules;

/// <summary>
/// The trip rules a breaker's settings switch on, in the order they are evaluated: consecutive failures, failure ratio, failure ratio
/// during a recovery ramp, slow attempts. Immutable; a reload builds a new set. Executed under the state machine's lock.
/// </summary>
internal sealed class TripRuleSet
{
    private readonly ITripRule[] _rules;

    public TripRuleSet(BreakerSettings settings)
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

        _rules = [.. rules];
    }

    /// <summary>Gets the rules, the first to trip deciding.</summary>
    public IReadOnlyList<ITripRule> Rules => _rules;

    /// <summary>Judges the circuit's health with every rule in turn.</summary>
    /// <param name="health">What the rules judge.</param>
    /// <returns>The verdict of the first rule that trips, or <see cref="TripDecision.None"/>.</returns>
    public TripDecision Judge(in HealthSample health)
    {
        foreach (var rule in _rules)
        {
            var decision = rule.Evaluate(health);
            if (decision.Trips)
            {
                return decision;
            }
        }

        return TripDecision.None;
    }
}

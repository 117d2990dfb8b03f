using Polly.AttemptAwareBreaker.CircuitBreaker.Health;

namespace Polly.AttemptAwareBreaker.CircuitBreaker.Rules;

/// <summary>
/// While a recovery ramp admits only part of the attempts, the failure ratio opens the circuit again once the window holds the ramp's
/// share of the minimum throughput (at least 2): a downstream that relapses under its first share of traffic is found as quickly as one
/// under full traffic would be. Executed under the state machine's lock.
/// </summary>
internal sealed class RecoveryRampRule : ITripRule
{
    private readonly double _failureRatio;
    private readonly int _minimumThroughput;

    public RecoveryRampRule(double failureRatio, int minimumThroughput)
    {
        _failureRatio = failureRatio;
        _minimumThroughput = minimumThroughput;
    }

    /// <inheritdoc/>
    public TripDecision Evaluate(in HealthSample health)
    {
        if (health.AdmittedShare >= 1 || health.ThrottleShedding)
        {
            return TripDecision.None;
        }

        var minimum = Math.Max(2, (long)Math.Ceiling(_minimumThroughput * health.AdmittedShare));
        return health.Throughput >= minimum && health.FailureRate >= _failureRatio
            ? TripDecision.Open(CircuitStateChangeReason.FailureRatio, health.FailureRate, health.Failures)
            : TripDecision.None;
    }
}

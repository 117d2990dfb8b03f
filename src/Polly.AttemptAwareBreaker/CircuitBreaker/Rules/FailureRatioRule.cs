using Polly.AttemptAwareBreaker.CircuitBreaker.Health;

namespace Polly.AttemptAwareBreaker.CircuitBreaker.Rules;

/// <summary>
/// Polly's rule: opens the circuit when failed attempts / counted attempts in the sampling window reach the failure ratio, once the
/// window holds at least the minimum throughput. While adaptive throttling sheds load below its cap the rule waits: the failures at the
/// throttle's equilibrium are the throttle's doing; a throttle at its cap (a downstream it cannot help) lets the rule open.
/// Executed under the state machine's lock.
/// </summary>
internal sealed class FailureRatioRule : ITripRule
{
    private readonly double _failureRatio;
    private readonly int _minimumThroughput;

    public FailureRatioRule(double failureRatio, int minimumThroughput)
    {
        _failureRatio = failureRatio;
        _minimumThroughput = minimumThroughput;
    }

    /// <inheritdoc/>
    public TripDecision Evaluate(in HealthSample health)
        => !health.ThrottleShedding && health.Throughput >= _minimumThroughput && health.FailureRate >= _failureRatio
            ? TripDecision.Open(CircuitStateChangeReason.FailureRatio, health.FailureRate, health.Failures)
            : TripDecision.None;
}

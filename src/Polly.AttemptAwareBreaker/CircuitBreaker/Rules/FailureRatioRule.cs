using Polly.AttemptAwareBreaker.CircuitBreaker.Health;

namespace Polly.AttemptAwareBreaker.CircuitBreaker.Rules;

/// <summary>
/// Polly's rule: opens the circuit when failed attempts / counted attempts in the sampling window reach the failure ratio, once the
/// window holds at least the minimum throughput. Executed under the state machine's lock.
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
        => health.Throughput >= _minimumThroughput && health.FailureRate >= _failureRatio
            ? TripDecision.Open(CircuitStateChangeReason.FailureRatio, health.FailureRate, health.Failures)
            : TripDecision.None;
}

using Polly.AttemptAwareBreaker.CircuitBreaker.Health;

namespace Polly.AttemptAwareBreaker.CircuitBreaker.Rules;

/// <summary>
/// Opens the circuit when the run of failed attempts reaches <see cref="AttemptAwareCircuitBreakerStrategyOptions{TResult}.ConsecutiveFailureThreshold"/>,
/// whatever the failure ratio. Executed under the state machine's lock.
/// </summary>
internal sealed class ConsecutiveFailuresRule : ITripRule
{
    private readonly int _threshold;

    public ConsecutiveFailuresRule(int threshold) => _threshold = threshold;

    /// <inheritdoc/>
    public TripDecision Evaluate(in HealthSample health)
        => health.ConsecutiveFailures >= _threshold
            ? TripDecision.Open(CircuitStateChangeReason.ConsecutiveFailures, health.FailureRate, health.ConsecutiveFailures)
            : TripDecision.None;
}

using Polly.AttemptAwareBreaker.CircuitBreaker.Health;

namespace Polly.AttemptAwareBreaker.CircuitBreaker.Rules;

/// <summary>
/// Opens the circuit when slow attempts (finished ones that took at least the slow threshold, and running ones already past it) make up
/// <see cref="AttemptAwareCircuitBreakerStrategyOptions{TResult}.SlowAttemptRatio"/> of the counted attempts, once there are at least the
/// minimum throughput of them. Executed under the state machine's lock.
/// </summary>
internal sealed class SlowAttemptsRule : ITripRule
{
    private readonly double _slowRatio;
    private readonly int _minimumThroughput;

    public SlowAttemptsRule(double slowRatio, int minimumThroughput)
    {
        _slowRatio = slowRatio;
        _minimumThroughput = minimumThroughput;
    }

    /// <inheritdoc/>
    public TripDecision Evaluate(in HealthSample health)
    {
        // An attempt still running is not counted yet: it joins both sides of the ratio while it is overdue.
        var slow = health.Slow + health.Overdue;
        var counted = health.Throughput + health.Overdue;
        return slow > 0 && counted >= _minimumThroughput && (double)slow / counted >= _slowRatio
            ? TripDecision.Open(CircuitStateChangeReason.SlowAttempts, (double)slow / counted, slow)
            : TripDecision.None;
    }
}

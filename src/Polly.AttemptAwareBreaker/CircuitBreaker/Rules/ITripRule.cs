using Polly.AttemptAwareBreaker.CircuitBreaker.Health;

namespace Polly.AttemptAwareBreaker.CircuitBreaker.Rules;

/// <summary>
/// A rule that opens a closed circuit. An implementation is immutable and holds its own thresholds; the state machine evaluates the
/// configured rules in order, under its lock, after it counted a failure of the current generation or received new fleet counts, and
/// opens the circuit on the first rule that trips. A new rule is a new implementation, added to <see cref="TripRuleSet"/>.
/// </summary>
internal interface ITripRule
{
    /// <summary>Judges the circuit's health.</summary>
    /// <param name="health">The counts of the current generation in the sampling window.</param>
    /// <returns>Whether to open the circuit, why, and the figures the break duration generator receives.</returns>
    TripDecision Evaluate(in HealthSample health);
}

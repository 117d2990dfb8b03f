namespace Polly.AttemptAwareBreaker.CircuitBreaker.Health;

/// <summary>
/// What the trip rules judge at one moment: the successful, failed and slow attempts in the sampling window (the fleet's when the
/// circuit is shared), the attempts still running past the slow threshold, the current run of failures and the share of attempts a
/// recovery ramp admits, and whether adaptive throttling is shedding load. Only attempts admitted by the circuit's current generation are in it.
/// </summary>
internal readonly struct HealthSample
{
    public HealthSample(
        long successes,
        long failures,
        int consecutiveFailures,
        long slow = 0,
        long overdue = 0,
        double admittedShare = 1.0,
        bool throttleShedding = false)
    {
        ThrottleShedding = throttleShedding;
        Successes = successes;
        Failures = failures;
        ConsecutiveFailures = consecutiveFailures;
        Slow = slow;
        Overdue = overdue;
        AdmittedShare = admittedShare;
    }

    /// <summary>Gets the successful attempts in the window.</summary>
    public long Successes { get; }

    /// <summary>Gets the failed attempts in the window.</summary>
    public long Failures { get; }

    /// <summary>Gets the failed attempts since the last successful one.</summary>
    public int ConsecutiveFailures { get; }

    /// <summary>Gets the slow attempts among the successes and failures in the window.</summary>
    public long Slow { get; }

    /// <summary>Gets the attempts still running that have taken longer than the slow threshold.</summary>
    public long Overdue { get; }

    /// <summary>Gets the share of attempts a recovery ramp admits: 1 when no ramp runs.</summary>
    public double AdmittedShare { get; }

    /// <summary>
    /// Gets a value indicating whether adaptive throttling is shedding load below its maximum rejection probability: the failures it
    /// lets through are its own equilibrium, not a reason to open.
    /// </summary>
    public bool ThrottleShedding { get; }

    /// <summary>Gets the counted attempts in the window: successes and failures.</summary>
    public long Throughput => Successes + Failures;

    /// <summary>Gets the share of failures among the counted attempts (0 when there are none).</summary>
    public double FailureRate => Throughput == 0 ? 0 : (double)Failures / Throughput;

    /// <summary>Returns the same sample with the other instances' window counts added (the run of failures stays this instance's).</summary>
    /// <param name="successes">The other instances' successful attempts.</param>
    /// <param name="failures">The other instances' failed attempts.</param>
    /// <param name="slow">The other instances' slow attempts.</param>
    /// <returns>The sample.</returns>
    public HealthSample Plus(long successes, long failures, long slow)
        => new(Successes + successes, Failures + failures, ConsecutiveFailures, Slow + slow, Overdue, AdmittedShare, ThrottleShedding);

    /// <summary>
    /// Returns the sample with every count (not the run of failures) multiplied by <paramref name="factor"/>: the ratios stay, and a rule's
    /// minimum throughput is met when this sample holds at least 1 / <paramref name="factor"/> of it.
    /// </summary>
    /// <param name="factor">The multiplier, at least 1.</param>
    /// <returns>The sample.</returns>
    public HealthSample Scaled(int factor)
        => new(Successes * factor, Failures * factor, ConsecutiveFailures, Slow * factor, Overdue * factor, AdmittedShare, ThrottleShedding);
}

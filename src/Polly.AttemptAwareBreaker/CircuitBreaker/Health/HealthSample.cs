namespace Polly.AttemptAwareBreaker.CircuitBreaker.Health;

/// <summary>
/// What the trip rules judge at one moment: the successful and failed attempts in the sampling window (the fleet's when the circuit is
/// shared) and the current run of failures. Only attempts admitted by the circuit's current generation are in it.
/// </summary>
internal readonly struct HealthSample
{
    public HealthSample(long successes, long failures, int consecutiveFailures)
    {
        Successes = successes;
        Failures = failures;
        ConsecutiveFailures = consecutiveFailures;
    }

    /// <summary>Gets the successful attempts in the window.</summary>
    public long Successes { get; }

    /// <summary>Gets the failed attempts in the window.</summary>
    public long Failures { get; }

    /// <summary>Gets the failed attempts since the last successful one.</summary>
    public int ConsecutiveFailures { get; }

    /// <summary>Gets the counted attempts in the window: successes and failures.</summary>
    public long Throughput => Successes + Failures;

    /// <summary>Gets the share of failures among the counted attempts (0 when there are none).</summary>
    public double FailureRate => Throughput == 0 ? 0 : (double)Failures / Throughput;
}

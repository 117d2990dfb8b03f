using Polly.AttemptAwareBreaker.SharedState;

namespace Polly.AttemptAwareBreaker;

/// <summary>
/// The local breaker as a shared-state implementation sees it: its name, clock and settings, its counts, and the methods that apply
/// the fleet's view. Thread-safe.
/// </summary>
public sealed class SharedCircuitHost
{
    private readonly FleetLink _link;

    internal SharedCircuitHost(string name, TimeProvider timeProvider, FleetLink link)
    {
        Name = name;
        TimeProvider = timeProvider;
        _link = link;
    }

    /// <summary>Gets the breaker's name (<c>pipeline/instance/strategy</c>), the same in every process running the same pipeline.</summary>
    public string Name { get; }

    /// <summary>Gets the breaker's clock.</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>Gets the sampling duration the failure ratio is measured over.</summary>
    public TimeSpan SamplingDuration => _link.SamplingDuration;

    /// <summary>Gets the number of probes the fleet admits at once while half-open.</summary>
    public int HalfOpenMaxProbes => _link.HalfOpenMaxProbes;

    /// <summary>
    /// Gets the local attempt counts since the breaker was created (each class only grows), to send the fleet what changed.
    /// </summary>
    /// <returns>The counts.</returns>
    public OutcomeCounts GetLocalAttempts() => _link.LocalAttempts();

    /// <summary>
    /// Applies the fleet's attempt counts over the sampling window. While the circuit is closed, the failure-ratio rule then judges the
    /// fleet's counts plus the local attempts since <paramref name="includedLocal"/>, and opens the circuit when they meet it.
    /// </summary>
    /// <param name="successes">Successful attempts of the whole fleet in the window.</param>
    /// <param name="failures">Failed attempts of the whole fleet in the window.</param>
    /// <param name="includedLocal">The local counts (from <see cref="GetLocalAttempts"/>) already part of the fleet's.</param>
    public void ApplyFleetWindow(long successes, long failures, OutcomeCounts includedLocal) => _link.ApplyWindow(successes, failures, includedLocal);

    /// <summary>
    /// Opens the local circuit because another process opened the fleet's, until <paramref name="openUntil"/>. Ignored when the local
    /// circuit is isolated or already open until then.
    /// </summary>
    /// <param name="openUntil">When the fleet's break ends.</param>
    public void ApplyFleetOpened(DateTimeOffset openUntil) => _link.ApplyOpened(openUntil);

    /// <summary>
    /// Closes the local circuit because another process's probe closed the fleet's. Ignored when the local circuit is isolated.
    /// </summary>
    public void ApplyFleetClosed() => _link.ApplyClosed();

    /// <summary>
    /// Reports that the shared store does not answer; the breaker keeps protecting on its own counts. Reported once per outage.
    /// </summary>
    /// <param name="error">What failed.</param>
    public void ReportDegraded(Exception error) => _link.SetStatus(SharedStateStatus.Degraded, error);

    /// <summary>
    /// Reports that the shared store answers (again).
    /// </summary>
    public void ReportConnected() => _link.SetStatus(SharedStateStatus.Connected, null);
}

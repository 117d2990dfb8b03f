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
    /// Gets or sets the fleet's quorum: how many instances must be failing on their own attempts for the circuit to open fleet-wide. With
    /// fewer failing, an instance whose own attempts trip the rules opens only its own circuit and the others are not told; with 1 (the
    /// default), the rules judge the fleet's counts and any opening reaches every instance. Set it from the shared state's options
    /// before the first exchange, typically in <see cref="ISharedCircuitStateFactory.Create"/>. See <see cref="FleetQuorum"/> for when an
    /// instance is failing.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int MinimumFailingInstances
    {
        get => _link.MinimumFailingInstances;
        set => _link.MinimumFailingInstances = value >= 1
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, $"MinimumFailingInstances is {value}; it must be at least 1.");
    }

    /// <summary>
    /// Gets this instance's share of the fleet's health, to send the other instances: its attempts in the sampling window since its
    /// circuit last closed, and its run of failures.
    /// </summary>
    /// <returns>The counts.</returns>
    public InstanceHealth GetLocalHealth() => _link.LocalHealth();

    /// <summary>
    /// Applies the other instances' health, as the store last received it from each (this instance excluded; an instance that stopped
    /// sending is left out by the store). While the circuit is closed, the rules then judge it: when at least
    /// <see cref="MinimumFailingInstances"/> instances are failing, on the fleet's counts (the others' plus this instance's current ones),
    /// and an opening is published; otherwise on this instance's own counts, and an opening stays local.
    /// </summary>
    /// <param name="otherInstances">The other instances' health, one entry per instance.</param>
    /// <exception cref="ArgumentNullException"><paramref name="otherInstances"/> is <see langword="null"/>.</exception>
    public void ApplyFleetHealth(IReadOnlyList<InstanceHealth> otherInstances) => _link.ApplyFleetHealth(Guard.NotNull(otherInstances));

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

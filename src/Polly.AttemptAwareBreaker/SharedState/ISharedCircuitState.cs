namespace Polly.AttemptAwareBreaker;

/// <summary>
/// One breaker's link to shared circuit state. The breaker calls it off its closed path only: when the circuit changes state, and
/// around half-open probes. The implementation exchanges each instance's health (<see cref="SharedCircuitHost.GetLocalHealth"/>,
/// <see cref="SharedCircuitHost.ApplyFleetHealth"/>) in the background. Implementations must never throw to the breaker and must keep working (and report degradation through
/// <see cref="SharedCircuitHost.ReportDegraded"/>) when the shared store is unreachable.
/// </summary>
public interface ISharedCircuitState : IDisposable
{
    /// <summary>
    /// Called after the local circuit opened fleet-wide by its own rules, or closed after such an opening (not when the change came
    /// from the fleet, nor for an opening that stayed local because the quorum was not reached), so the other instances can follow. Must return at once; publishing happens in the background.
    /// </summary>
    /// <param name="state">The new state: <see cref="Polly.CircuitBreaker.CircuitState.Open"/> or <see cref="Polly.CircuitBreaker.CircuitState.Closed"/>.</param>
    /// <param name="openUntil">When the break ends, for an opening; otherwise <see langword="null"/>.</param>
    void OnLocalStateChanged(Polly.CircuitBreaker.CircuitState state, DateTimeOffset? openUntil);

    /// <summary>
    /// Asks for one of the fleet's half-open probe slots before a local probe is sent.
    /// </summary>
    /// <param name="lease">How long the slot is held at most, so a probe of a process that died frees it.</param>
    /// <param name="cancellationToken">The caller's cancellation.</param>
    /// <returns>The fleet slot taken (0 to <see cref="SharedCircuitHost.HalfOpenMaxProbes"/> − 1); <see langword="null"/> when every fleet
    /// slot is taken; −1 when the store cannot be reached in time: the probe is then refused as well (the fleet may be probing through
    /// instances that reach the store), until the store has been reported degraded for a whole sampling duration, after which the
    /// breaker decides alone. A slot the store grants after the caller gave up must be given back by the implementation.</returns>
    ValueTask<int?> TryAcquireProbeAsync(TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>
    /// Gives a probe slot back after the probe finished. Must return at once.
    /// </summary>
    /// <param name="slot">The fleet slot <see cref="TryAcquireProbeAsync"/> returned.</param>
    void ReleaseProbe(int slot);
}

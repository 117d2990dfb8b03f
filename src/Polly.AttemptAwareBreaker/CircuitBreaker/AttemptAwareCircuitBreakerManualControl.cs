using Polly.AttemptAwareBreaker.CircuitBreaker.Controller;
using Polly.CircuitBreaker;

namespace Polly.AttemptAwareBreaker;

/// <summary>
/// Isolates (holds open) or closes attempt-aware circuit breakers by hand. The counterpart of Polly's
/// <see cref="CircuitBreakerManualControl"/>, which only Polly's own breaker can bind.
/// </summary>
/// <remarks>One instance can be shared by several breakers; every command applies to all of them.</remarks>
public sealed class AttemptAwareCircuitBreakerManualControl
{
    private readonly SyncLock _lock = new();
    private readonly List<IBreakerControl> _circuits = [];
    private bool _isolated;

    /// <summary>
    /// Initializes a new instance of the <see cref="AttemptAwareCircuitBreakerManualControl"/> class.
    /// </summary>
    public AttemptAwareCircuitBreakerManualControl()
    {
    }

    /// <summary>
    /// Initializes a new instance of the <see cref="AttemptAwareCircuitBreakerManualControl"/> class.
    /// </summary>
    /// <param name="isIsolated">When <see langword="true"/>, every breaker bound to this control starts isolated.</param>
    public AttemptAwareCircuitBreakerManualControl(bool isIsolated) => _isolated = isIsolated;

    /// <summary>
    /// Gets a value indicating whether the last command was <see cref="IsolateAsync"/>.
    /// </summary>
    public bool IsIsolated
    {
        get
        {
            lock (_lock)
            {
                return _isolated;
            }
        }
    }

    /// <summary>
    /// Gets the number of breakers bound to this control.
    /// </summary>
    public int BreakerCount
    {
        get
        {
            lock (_lock)
            {
                return _circuits.Distinct().Count();
            }
        }
    }

    /// <summary>
    /// Isolates (opens) every bound circuit and holds it open until <see cref="CloseAsync"/> is called.
    /// Calls are rejected with <see cref="IsolatedCircuitException"/>.
    /// </summary>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>A task that completes when every bound breaker is isolated.</returns>
    public Task IsolateAsync(CancellationToken cancellationToken = default) => ApplyAsync(isolate: true, cancellationToken);

    /// <summary>
    /// Closes every bound circuit and resets the statistics that drive automatic breaking.
    /// </summary>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>A task that completes when every bound breaker is closed.</returns>
    public Task CloseAsync(CancellationToken cancellationToken = default) => ApplyAsync(isolate: false, cancellationToken);

    internal IDisposable Initialize(IBreakerControl circuit)
    {
        bool isolated;
        lock (_lock)
        {
            _circuits.Add(circuit);
            isolated = _isolated;
        }

        if (isolated)
        {
            circuit.IsolateSilently();
        }

        return new Registration(this, circuit);
    }

    private Task ApplyAsync(bool isolate, CancellationToken cancellationToken)
    {
        IBreakerControl[] circuits;
        lock (_lock)
        {
            _isolated = isolate;
            circuits = [.. _circuits.Distinct()];
        }

        return CircuitCommands.ApplyAsync(circuits, isolate, cancellationToken);
    }

    private void Remove(IBreakerControl circuit)
    {
        lock (_lock)
        {
            _circuits.Remove(circuit);
        }
    }

    private sealed class Registration(AttemptAwareCircuitBreakerManualControl owner, IBreakerControl circuit) : IDisposable
    {
        private AttemptAwareCircuitBreakerManualControl? _owner = owner;

        public void Dispose() => Interlocked.Exchange(ref _owner, null)?.Remove(circuit);
    }
}

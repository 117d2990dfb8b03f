using Polly.AttemptAwareBreaker.CircuitBreaker.Controller;
using Polly.CircuitBreaker;

namespace Polly.AttemptAwareBreaker;

/// <summary>
/// Reads the state and statistics of one attempt-aware circuit breaker. The counterpart of Polly's
/// <see cref="CircuitBreakerStateProvider"/>, which only Polly's own breaker can bind.
/// </summary>
/// <remarks>
/// Assign an instance to <see cref="AttemptAwareCircuitBreakerStrategyOptions{TResult}.StateProvider"/>; it is bound when the
/// pipeline is built, and can be bound to one breaker only.
/// </remarks>
public sealed class AttemptAwareCircuitBreakerStateProvider
{
    private IBreakerControl? _circuit;

    /// <summary>
    /// Gets a value indicating whether a breaker has been bound to this provider (when its pipeline was built).
    /// </summary>
    public bool IsInitialized => Volatile.Read(ref _circuit) is not null;

    /// <summary>
    /// Gets the state of the circuit; <see cref="CircuitState.Closed"/> before a breaker is bound.
    /// </summary>
    public CircuitState CircuitState => Volatile.Read(ref _circuit)?.State ?? CircuitState.Closed;

    /// <summary>
    /// Takes a consistent snapshot of the circuit's state and statistics.
    /// </summary>
    /// <returns>The snapshot.</returns>
    /// <exception cref="InvalidOperationException">Thrown when no breaker is bound yet.</exception>
    public CircuitSnapshot GetSnapshot()
        => (Volatile.Read(ref _circuit) ?? throw new InvalidOperationException(
            $"This {nameof(AttemptAwareCircuitBreakerStateProvider)} is not bound to a breaker yet: assign it to the options' StateProvider and build the pipeline first."))
            .GetSnapshot();

    internal void Initialize(IBreakerControl circuit)
    {
        // Binding again to the same circuit is what a configuration reload does when a registry keeps the circuit running.
        if (Interlocked.CompareExchange(ref _circuit, circuit, null) is { } bound && !ReferenceEquals(bound, circuit))
        {
            throw new InvalidOperationException(
                $"This {nameof(AttemptAwareCircuitBreakerStateProvider)} is already bound to a circuit breaker; use one instance per breaker.");
        }
    }
}

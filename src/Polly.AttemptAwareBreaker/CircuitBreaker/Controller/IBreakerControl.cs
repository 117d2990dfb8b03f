using Polly.CircuitBreaker;

namespace Polly.AttemptAwareBreaker.CircuitBreaker.Controller;

/// <summary>
/// The non-generic face of a circuit, used by the state provider, the manual control and the gate.
/// </summary>
internal interface IBreakerControl
{
    CircuitState State { get; }

    CircuitSnapshot GetSnapshot();

    ValueTask IsolateAsync(ResilienceContext context);

    ValueTask CloseAsync(ResilienceContext context);

    void IsolateSilently();

    void DetachShared();
}

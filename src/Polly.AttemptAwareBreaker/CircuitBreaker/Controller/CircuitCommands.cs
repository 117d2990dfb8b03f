namespace Polly.AttemptAwareBreaker.CircuitBreaker.Controller;

/// <summary>The manual commands, shared by <see cref="AttemptAwareCircuitBreakerManualControl"/> and the registry.</summary>
internal static class CircuitCommands
{
    /// <summary>Isolates or closes each circuit in turn and waits for its callbacks.</summary>
    /// <param name="circuits">The circuits.</param>
    /// <param name="isolate"><see langword="true"/> to isolate, <see langword="false"/> to close.</param>
    /// <param name="cancellationToken">Cancels the wait for the callbacks.</param>
    /// <returns>A task that completes when every circuit has changed and its callbacks have run.</returns>
    public static async Task ApplyAsync(IReadOnlyList<IBreakerControl> circuits, bool isolate, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        try
        {
            foreach (var circuit in circuits)
            {
                await (isolate ? circuit.IsolateAsync(context) : circuit.CloseAsync(context)).ConfigureAwait(false);
            }
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }
}

namespace Polly.AttemptAwareBreaker.Tests.SharedState;

/// <summary>
/// An in-memory stand-in for a shared store (such as Redis): records what the breaker publishes and asks, and answers probe
/// requests with whatever the test sets. The test drives the fleet's side through <see cref="Host"/>.
/// </summary>
internal sealed class FakeSharedState : ISharedCircuitStateFactory, ISharedCircuitState
{
    public SharedCircuitHost Host { get; private set; } = null!;

    public List<(CircuitState State, DateTimeOffset? OpenUntil)> Published { get; } = [];

    public List<TimeSpan> ProbeLeases { get; } = [];

    public List<int> Released { get; } = [];

    public bool Disposed { get; private set; }

    /// <summary>Gets or sets the answer to the next probe request: a fleet slot, -1 (store unreachable) or null (every slot taken).</summary>
    public int? ProbeAnswer { get; set; }

    /// <summary>Gets or sets an error the next probe request throws, as a broken implementation might.</summary>
    public Exception? ProbeError { get; set; }

    public ISharedCircuitState Create(SharedCircuitHost host)
    {
        Host = host;
        return this;
    }

    public void OnLocalStateChanged(CircuitState state, DateTimeOffset? openUntil) => Published.Add((state, openUntil));

    public ValueTask<int?> TryAcquireProbeAsync(TimeSpan lease, CancellationToken cancellationToken)
    {
        ProbeLeases.Add(lease);
        return ProbeError is { } error ? throw error : new(ProbeAnswer);
    }

    public void ReleaseProbe(int slot) => Released.Add(slot);

    public void Dispose() => Disposed = true;
}

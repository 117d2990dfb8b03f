namespace Polly.AttemptAwareBreaker.Extensions.Tests.TestUtilities;

/// <summary>
/// An in-memory shared state with a quorum of 2 and no other instance yet: the test plays the other instances through
/// <see cref="Host"/>. Publishes nothing and grants every probe slot.
/// </summary>
internal sealed class QuorumSharedState : ISharedCircuitStateFactory, ISharedCircuitState
{
    public SharedCircuitHost Host { get; private set; } = null!;

    public ISharedCircuitState Create(SharedCircuitHost host)
    {
        Host = host;
        host.MinimumFailingInstances = 2;
        return this;
    }

    public void OnLocalStateChanged(CircuitState state, DateTimeOffset? openUntil)
    {
    }

    public ValueTask<int?> TryAcquireProbeAsync(TimeSpan lease, CancellationToken cancellationToken) => new(0);

    public void ReleaseProbe(int slot)
    {
    }

    public void Dispose()
    {
    }
}

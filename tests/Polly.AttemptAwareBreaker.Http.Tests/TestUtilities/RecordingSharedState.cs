using System.Collections.Concurrent;

namespace Polly.AttemptAwareBreaker.Http.Tests.TestUtilities;

/// <summary>Shared circuit state that shares nothing and records the name of every breaker that links to it.</summary>
internal sealed class RecordingSharedState : ISharedCircuitStateFactory
{
    private readonly ConcurrentQueue<string> _names = new();

    public IReadOnlyCollection<string> Names => _names;

    public ISharedCircuitState Create(SharedCircuitHost host)
    {
        _names.Enqueue(host.Name);
        return new Link();
    }

    private sealed class Link : ISharedCircuitState
    {
        public void OnLocalStateChanged(CircuitState state, DateTimeOffset? openUntil)
        {
        }

        public ValueTask<int?> TryAcquireProbeAsync(TimeSpan lease, CancellationToken cancellationToken) => new(-1);

        public void ReleaseProbe(int slot)
        {
        }

        public void Dispose()
        {
        }
    }
}

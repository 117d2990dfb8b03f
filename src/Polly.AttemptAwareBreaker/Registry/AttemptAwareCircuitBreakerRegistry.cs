using Polly.AttemptAwareBreaker.CircuitBreaker.Controller;
using Polly.CircuitBreaker;
using Polly.Telemetry;

namespace Polly.AttemptAwareBreaker;

/// <summary>
/// Names every attempt-aware circuit breaker built with it and lets operators list them with their statistics, isolate or close one by
/// name, and close them all. It also keeps a breaker's state across configuration reloads: a pipeline rebuilt under the same name
/// takes over the running circuit (state, counts, probes in flight) with the new settings instead of starting closed and empty.
/// </summary>
/// <remarks>
/// <para>Assign one registry to <see cref="AttemptAwareCircuitBreakerStrategyOptions{TResult}.Registry"/> of every breaker it should know.
/// The HTTP package and the dependency-injection helpers do that with the registry registered as a singleton service.</para>
/// <para>A breaker's name is <c>pipeline/instance/strategy</c>, the names Polly's telemetry reports (the instance part only when the
/// pipeline has an instance name). Breakers in pipelines without a name get a unique <c>unnamed-N/strategy</c> name and never share state.</para>
/// <para>Thread-safe.</para>
/// </remarks>
public sealed class AttemptAwareCircuitBreakerRegistry
{
    private readonly SyncLock _lock = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private int _unnamed;

    /// <summary>
    /// Raised after a registered circuit changes state, with the breaker's name, both states and the reason. Handlers run on the thread
    /// that caused the change (an executing call or an operator's command), so they should be quick and must not throw.
    /// </summary>
    public event EventHandler<CircuitStateChange>? StateChanged;

    /// <summary>
    /// Gets the names of the registered breakers, in order.
    /// </summary>
    public IReadOnlyList<string> Names
    {
        get
        {
            lock (_lock)
            {
                return [.. _entries.Keys.OrderBy(n => n, StringComparer.Ordinal)];
            }
        }
    }

    /// <summary>
    /// Lists every registered breaker with a snapshot of its state and statistics, ordered by name.
    /// </summary>
    /// <returns>The breakers and their snapshots.</returns>
    public IReadOnlyList<AttemptAwareCircuitBreakerInfo> GetBreakers()
    {
        Entry[] entries;
        lock (_lock)
        {
            entries = [.. _entries.Values];
        }

        return [.. entries
            .OrderBy(e => e.Name, StringComparer.Ordinal)
            .Select(e => new AttemptAwareCircuitBreakerInfo(e.Name, e.PipelineName, e.PipelineInstanceName, e.StrategyName, e.Control.GetSnapshot()))];
    }

    /// <summary>
    /// Returns whether a breaker with the name is registered.
    /// </summary>
    /// <param name="name">The breaker's name.</param>
    /// <returns><see langword="true"/> when the breaker is registered.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is <see langword="null"/>.</exception>
    public bool Contains(string name)
    {
        Guard.NotNull(name);
        lock (_lock)
        {
            return _entries.ContainsKey(name);
        }
    }

    /// <summary>
    /// Gets a snapshot of one breaker's state and statistics.
    /// </summary>
    /// <param name="name">The breaker's name.</param>
    /// <returns>The snapshot.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is <see langword="null"/>.</exception>
    /// <exception cref="KeyNotFoundException">No breaker has that name; the message lists the registered names.</exception>
    public CircuitSnapshot GetSnapshot(string name) => Find(name).Control.GetSnapshot();

    /// <summary>
    /// Isolates one breaker: its circuit rejects every call with <see cref="IsolatedCircuitException"/> until it is closed.
    /// </summary>
    /// <param name="name">The breaker's name.</param>
    /// <param name="cancellationToken">Cancels the wait for the breaker's <c>OnOpened</c> callback.</param>
    /// <returns>A task that completes when the circuit is isolated and its callbacks have run.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is <see langword="null"/>.</exception>
    /// <exception cref="KeyNotFoundException">No breaker has that name; the message lists the registered names.</exception>
    public Task IsolateAsync(string name, CancellationToken cancellationToken = default)
        => CircuitCommands.ApplyAsync([Find(name).Control], isolate: true, cancellationToken);

    /// <summary>
    /// Closes one breaker: its circuit admits calls again and its sampling window starts empty.
    /// </summary>
    /// <param name="name">The breaker's name.</param>
    /// <param name="cancellationToken">Cancels the wait for the breaker's <c>OnClosed</c> callback.</param>
    /// <returns>A task that completes when the circuit is closed and its callbacks have run.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is <see langword="null"/>.</exception>
    /// <exception cref="KeyNotFoundException">No breaker has that name; the message lists the registered names.</exception>
    public Task CloseAsync(string name, CancellationToken cancellationToken = default)
        => CircuitCommands.ApplyAsync([Find(name).Control], isolate: false, cancellationToken);

    /// <summary>
    /// Closes every registered breaker (a reset after an incident): isolated and open circuits close, windows start empty.
    /// </summary>
    /// <param name="cancellationToken">Cancels the wait for the breakers' <c>OnClosed</c> callbacks.</param>
    /// <returns>A task that completes when every circuit is closed.</returns>
    public Task CloseAllAsync(CancellationToken cancellationToken = default)
    {
        IBreakerControl[] controls;
        lock (_lock)
        {
            controls = [.. _entries.Values.Select(e => e.Control)];
        }

        return CircuitCommands.ApplyAsync(controls, isolate: false, cancellationToken);
    }

    internal Lease<T> Attach<T>(ResilienceStrategyTelemetry telemetry, AttemptAwareCircuitBreakerStrategyOptions<T> options, Func<BreakerController<T>> create)
    {
        var source = BreakerNames.SourceOf(telemetry);
        lock (_lock)
        {
            var shareable = !string.IsNullOrEmpty(source.PipelineName);
            var name = shareable ? BreakerNames.NameOf(source) : $"unnamed-{++_unnamed}/{source.StrategyName}";
            if (shareable && _entries.TryGetValue(name, out var existing))
            {
                if (existing.Controller is not BreakerController<T> running)
                {
                    throw new InvalidOperationException(
                        $"A circuit breaker named '{name}' for another result type is already registered; give the pipelines different names.");
                }

                running.Reconfigure(options);
                existing.References++;
                return new Lease<T>(this, existing, running);
            }

            var controller = create();
            controller.Events.Name = name;
            controller.Events.StateChanged = OnStateChanged;
            var entry = new Entry(name, source.PipelineName, source.PipelineInstanceName, source.StrategyName, controller, controller) { References = 1 };
            _entries[name] = entry;
            return new Lease<T>(this, entry, controller);
        }
    }

    private Entry Find(string name)
    {
        Guard.NotNull(name);
        lock (_lock)
        {
            if (_entries.TryGetValue(name, out var entry))
            {
                return entry;
            }

            var known = _entries.Count == 0 ? "none" : string.Join(", ", _entries.Keys.OrderBy(n => n, StringComparer.Ordinal));
            throw new KeyNotFoundException($"No attempt-aware circuit breaker named '{name}' is registered. Registered: {known}.");
        }
    }

    private void OnStateChanged(CircuitStateChange change) => StateChanged?.Invoke(this, change);

    private void Release(Entry entry)
    {
        lock (_lock)
        {
            if (--entry.References > 0)
            {
                return;
            }

            if (_entries.TryGetValue(entry.Name, out var current) && ReferenceEquals(current, entry))
            {
                _entries.Remove(entry.Name);
            }
        }

        entry.Control.DetachShared();
    }

    internal sealed class Lease<T> : IDisposable
    {
        private AttemptAwareCircuitBreakerRegistry? _registry;
        private readonly Entry _entry;

        public Lease(AttemptAwareCircuitBreakerRegistry registry, Entry entry, BreakerController<T> controller)
        {
            _registry = registry;
            _entry = entry;
            Controller = controller;
        }

        public BreakerController<T> Controller { get; }

        public void Dispose() => Interlocked.Exchange(ref _registry, null)?.Release(_entry);
    }

    internal sealed class Entry(string name, string? pipelineName, string? pipelineInstanceName, string? strategyName, IBreakerControl control, object controller)
    {
        public string Name { get; } = name;

        public string? PipelineName { get; } = pipelineName;

        public string? PipelineInstanceName { get; } = pipelineInstanceName;

        public string? StrategyName { get; } = strategyName;

        public IBreakerControl Control { get; } = control;

        public object Controller { get; } = controller;

        public int References { get; set; }
    }
}

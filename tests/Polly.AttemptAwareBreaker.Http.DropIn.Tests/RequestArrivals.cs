using System.Collections.Concurrent;

namespace StandardHandlerDropIn;

/// <summary>Signals the arrival of each request at the downstream, by its 1-based number.</summary>
internal sealed class RequestArrivals
{
    private readonly ConcurrentDictionary<int, TaskCompletionSource> _arrived = new();

    /// <summary>Records that request <paramref name="n"/> has arrived.</summary>
    public void Record(int n) => Signal(n).TrySetResult();

    /// <summary>Returns a task that completes when request <paramref name="n"/> has arrived (at once if it already has).</summary>
    public Task Of(int n) => Signal(n).Task;

    private TaskCompletionSource Signal(int n) => _arrived.GetOrAdd(n, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}

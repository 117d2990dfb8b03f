namespace Polly.AttemptAwareBreaker.Tests.TestUtilities;

internal static class VirtualTime
{
    /// <summary>
    /// Advances the fake clock in steps until <paramref name="task"/> completes. The library awaits with
    /// <c>ConfigureAwait(false)</c>, so each advance runs the operation on to its next delay before returning.
    /// </summary>
    public static async Task<T> RunAsync<T>(this FakeTimeProvider time, Task<T> task, TimeSpan step, int maxSteps = 10_000)
    {
        for (var i = 0; i < maxSteps && !task.IsCompleted; i++)
        {
            time.Advance(step);
        }

        return await task.WaitAsync(TimeSpan.FromSeconds(30));
    }
}

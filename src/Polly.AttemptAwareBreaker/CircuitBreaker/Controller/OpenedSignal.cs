namespace Polly.AttemptAwareBreaker.CircuitBreaker.Controller;

/// <summary>
/// A token that is cancelled when the circuit next opens or is isolated, so that retries waiting out a delay end at that moment.
/// The state machine swaps in a fresh token under its lock at every opening and cancels the old one after releasing it
/// (cancellation runs the waiters' callbacks inline).
/// </summary>
internal sealed class OpenedSignal
{
    private CancellationTokenSource _source = new();

    /// <summary>Gets the token of the next opening.</summary>
    public CancellationToken Token => Volatile.Read(ref _source).Token;

    /// <summary>Cancels a token <see cref="Swap"/> took out; call it outside the state machine's lock.</summary>
    /// <param name="source">The token's source, or <see langword="null"/>.</param>
    public static void Cancel(CancellationTokenSource? source)
    {
        try
        {
            source?.Cancel();
        }
        catch (AggregateException)
        {
            // A waiter's registration threw; the waiters that matter here only observe the token.
        }
    }

    /// <summary>Puts a fresh token in place and returns the source of the one to cancel. Executed under the state machine's lock.</summary>
    /// <returns>The source of the token of this opening.</returns>
    public CancellationTokenSource Swap()
    {
        var opened = _source;
        Volatile.Write(ref _source, new CancellationTokenSource());
        return opened;
    }
}

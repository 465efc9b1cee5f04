/**
 * A reply's cards as the person last left them: a reply stores the todo ids undone from its cards
 * beside the cards (a field its streaming writes never touch), and each such card reads `undone`.
 */
export function cardsOf<C extends { todoId: string; undone?: boolean }>(
  cards: readonly C[] | undefined,
  undone: readonly string[] | undefined,
): C[] {
  const gone = new Set(undone ?? []);
  return (cards ?? []).map((card) => (gone.has(card.todoId) ? { ...card, undone: true } : card));
}

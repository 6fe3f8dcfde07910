/** Small mappings shared by the Prisma stores of this folder. */
export const iso = (d: Date | null | undefined): string | null => (d ? d.toISOString() : null);

export const parseJson = (text: string | null | undefined): unknown => {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};

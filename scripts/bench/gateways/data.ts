/**
 * The data of the gateways benchmark's four subgraphs, in its shape: a few users, a
 * handful of products (upc, name, price, weight; inventory's inStock), and reviews with
 * long bodies, each by one user about one product, so that TestQuery's nested
 * users → reviews → product → reviews → author → reviews → product walk fans out into an
 * answer of about 90 KB. Made up here; deterministic, so every gateway gets the same.
 */
export interface User {
  id: string;
  name: string;
  username: string;
  birthday: number;
}
export interface Product {
  upc: string;
  name: string;
  price: number;
  weight: number;
}
export interface Review {
  id: string;
  body: string;
  authorId: string;
  productUpc: string;
}

const FIRST = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Frances', 'Ken'];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth', 'Allen', 'Thompson'];
const ITEMS: [string, number, number][] = [
  ['Desk', 899, 100],
  ['Sofa', 1299, 1000],
  ['Mug', 15, 20],
  ['Stool', 499, 100],
  ['Radio', 1299, 1000],
  ['Lantern', 6999, 300],
  ['Oven', 3999, 2000],
  ['Freezer', 100000, 6000],
  ['Bench', 9999, 800],
];
const WORDS =
  'the quick brown fox jumps over a lazy dog while seven wizards quietly box jugs of liquid gold beside an old mill on the river bank at dawn'.split(
    ' ',
  );

export const USERS: User[] = FIRST.slice(0, 5).map((first, i) => ({
  id: String(i + 1),
  name: `${first} ${LAST[i]}`,
  username: `${first.toLowerCase()}${i + 1}`,
  birthday: 1_000_000 + i * 86_400,
}));

export const PRODUCTS: Product[] = ITEMS.map(([name, price, weight], i) => ({
  upc: String(i + 1),
  name,
  price,
  weight,
}));

export const IN_STOCK = new Map(PRODUCTS.map((p, i) => [p.upc, i % 3 !== 2]));

/** A review by every user of each of the first two products, bodies of 250-550 characters. */
export const REVIEWS: Review[] = (() => {
  const reviews: Review[] = [];
  let n = 0;
  for (const user of USERS)
    for (const product of PRODUCTS.slice(0, 2)) {
      n += 1;
      const length = 250 + ((n * 37) % 300);
      const words: string[] = [];
      for (let w = n; words.join(' ').length < length; w += 3) words.push(WORDS[w % WORDS.length]!);
      reviews.push({
        id: String(n),
        body: words.join(' ').slice(0, length),
        authorId: user.id,
        productUpc: product.upc,
      });
    }
  return reviews;
})();

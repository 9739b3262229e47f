"""Write the counts of data/corpus.jsonl into data/README.md between the stats markers."""

from pathlib import Path

from nextsteps.corpus import load_corpus, stats_markdown

card = Path("data/README.md")
text = card.read_text("utf-8")
head, rest = text.split("<!-- stats:start -->")
_, tail = rest.split("<!-- stats:end -->")
table = stats_markdown(load_corpus("data/corpus.jsonl")).strip()
card.write_text(f"{head}<!-- stats:start -->\n{table}\n<!-- stats:end -->{tail}", "utf-8")
print(f"updated {card}")
